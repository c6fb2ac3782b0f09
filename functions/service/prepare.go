package service

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/signer"
)

// target is a request after the policy has passed it: what to sign.
type target struct {
	bucket, region, key string
	method              string // upper case
	window              signer.Window
	headers, params     map[string]string
	unsignedHost        bool
	serverChosenKey     bool
	contentType         string             // for POST policies
	contentLength       int64              // -1 when not stated
	keys                *signingKeys       // what it is signed with
	processing          *policy.Processing // what a download's processing needs
}

// prepare applies the policy to one request for route and fills t with
// what to sign (t is the caller's, so it stays on its stack), or refuses.
// The steps run in this order, so a request with several faults is refused
// for the same one every time.
func (s *Service) prepare(t *target, route string, in *input, id *auth.Identity, now time.Time, le *logEntry) error {
	*t = target{contentLength: -1, keys: s.keys.current()}
	if aerr := t.keys.usable(now); aerr != nil {
		return aerr
	}
	sub := ""
	if id != nil {
		sub = id.Subject
	}
	if err := s.placeBucket(t, in, le); err != nil {
		return err
	}
	k, err := askedKey(in)
	if err != nil {
		return err
	}
	le.key = k.raw // the key as asked, so refusals are auditable; replaced by the normalised key below
	if err := s.chooseMethod(t, route, in, id, k.wantsChosen(in), le); err != nil {
		return err
	}
	if err := s.chooseWindow(t, in, now); err != nil {
		return err
	}
	if err := s.chooseSignHost(t, in); err != nil {
		return err
	}
	// Headers and params as asked, before the policy looks at them: at most
	// maxNames of each, and no two names differing only in letter case
	// (COS would see one of them, the policy maybe the other).
	if err := s.collectNames(t, route, in); err != nil {
		return err
	}
	listing, err := s.placeKey(t, route, in, k, sub)
	if err != nil {
		return err
	}
	le.key = t.key
	if listing {
		le.key = "?prefix=" + t.params["prefix"]
	}
	if err := s.checkProcessing(t, route, in); err != nil {
		return err
	}
	if err := s.checkNames(t, listing); err != nil {
		return err
	}
	if t.key == "" {
		return nil
	}
	return s.checkObjectRequest(t, route, in, sub)
}

// placeBucket: the configured bucket, or one of COS_ALLOWED_BUCKETS, and
// its region.
func (s *Service) placeBucket(t *target, in *input, le *logEntry) error {
	bucket, err := s.requestBucket(in.Bucket)
	if err != nil {
		return err
	}
	t.bucket, le.bucket = bucket, bucket
	region, err := s.requestRegion(in.Region)
	if err != nil {
		return err
	}
	t.region = region
	return nil
}

// keyAsked is the key a request names: key, or the getAuthorization
// options' Pathname.
type keyAsked struct {
	raw string
	set bool
}

func askedKey(in *input) (keyAsked, error) {
	k := keyAsked{in.Key.s, in.Key.set}
	if in.Pathname.set {
		if k.set && strings.TrimPrefix(in.Pathname.s, "/") != strings.TrimPrefix(k.raw, "/") {
			return k, badRequest("InvalidKey", "Key and Pathname name different objects")
		}
		k = keyAsked{in.Pathname.s, true}
	}
	return k, nil
}

// wantsChosen: with no key, ext or filename ask the service to choose one.
func (k keyAsked) wantsChosen(in *input) bool {
	return (!k.set || k.raw == "") && (in.Ext != "" || in.Filename != "")
}

// chooseMethod sets the method the route and the request ask for, and
// refuses one the policy does not allow, or a write by an anonymous caller
// unless SIGN_ALLOW_ANONYMOUS_WRITES.
func (s *Service) chooseMethod(t *target, route string, in *input, id *auth.Identity, wantsChosen bool, le *logEntry) error {
	switch route {
	case routeDownload:
		if in.Method != "" && !strings.EqualFold(in.Method, "GET") {
			return badRequest("InvalidMethod", "download URLs are for GET: use /presign for other methods")
		}
		t.method = "GET"
	case routePostPolicy:
		t.method = "POST"
	default:
		t.method = strings.ToUpper(in.Method)
		if t.method == "" {
			t.method = "GET"
			if wantsChosen {
				t.method = "PUT"
			}
		}
	}
	le.method = t.method
	switch t.method {
	case "GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS":
	default:
		return badRequest("InvalidMethod", fmt.Sprintf("method %s is not one of GET, HEAD, PUT, POST, DELETE, OPTIONS", truncate(strconv.Quote(in.Method), 40)))
	}
	switch {
	case route == routePostPolicy:
		// A form upload is an upload like a PUT, and its policy binds key,
		// type and size: it needs PUT or POST allowed, and allowing it never
		// lets a per-request POST be signed for any key (see policy.ObjectOp).
		if !s.methods["PUT"] && !s.methods["POST"] {
			return forbidden("MethodNotAllowed", fmt.Sprintf("form uploads (/post-policy) need PUT or POST in SIGN_ALLOWED_METHODS (%s)", strings.Join(s.cfg.AllowedMethods, ",")))
		}
	case !s.methods[t.method]:
		return forbidden("MethodNotAllowed", fmt.Sprintf("method %s is not allowed by the policy (SIGN_ALLOWED_METHODS: %s)", t.method, strings.Join(s.cfg.AllowedMethods, ",")))
	}
	if t.writes() && id == nil && !s.cfg.AllowAnonymousWrites {
		return forbidden("AnonymousWriteRefused", fmt.Sprintf("%s needs an authenticated caller (AUTH_MODE is %s and SIGN_ALLOW_ANONYMOUS_WRITES is false)", t.method, s.authMode))
	}
	return nil
}

// writes: the method changes the bucket.
func (t *target) writes() bool {
	return t.method == "PUT" || t.method == "POST" || t.method == "DELETE"
}

// chooseWindow sets the signature's time window from expired (or
// expires), SIGN_DEFAULT_EXPIRED when neither is given. An expiry over
// SIGN_MAX_EXPIRED is refused, never silently cut.
func (s *Service) chooseWindow(t *target, in *input, now time.Time) error {
	exp := in.Expired
	name := "expired"
	if !exp.set {
		exp, name = in.Expires, "expires"
	}
	secs := s.cfg.DefaultExpired
	if exp.set {
		n, err := strconv.ParseInt(strings.TrimSpace(exp.s), 10, 64)
		switch {
		case err != nil && isDigits(strings.TrimSpace(exp.s)):
			return badRequest("InvalidExpired", fmt.Sprintf("%s is too large: the maximum is %d seconds (SIGN_MAX_EXPIRED)", name, s.cfg.MaxExpired))
		case err != nil:
			return badRequest("InvalidExpired", fmt.Sprintf("%s must be a whole number of seconds, got %s", name, truncate(strconv.Quote(exp.s), 40)))
		case n <= 0:
			return badRequest("InvalidExpired", fmt.Sprintf("%s must be at least 1 second, got %d", name, n))
		case n > s.cfg.MaxExpired:
			return badRequest("InvalidExpired", fmt.Sprintf("%s %d is more than the maximum of %d seconds (SIGN_MAX_EXPIRED)", name, n, s.cfg.MaxExpired))
		}
		secs = n
	}
	secs = t.keys.capToCredentials(secs, now)
	w, err := signer.NewWindow(now, time.Duration(secs)*time.Second)
	if err != nil {
		return fromSignerError(err)
	}
	t.window = w
	return nil
}

// chooseSignHost: signHost=false only when the policy allows it.
func (s *Service) chooseSignHost(t *target, in *input) error {
	if !in.SignHost.set {
		return nil
	}
	switch strings.ToLower(in.SignHost.s) {
	case "true", "1":
	case "false", "0":
		if !s.cfg.AllowUnsignedHost {
			return forbidden("UnsignedHostRefused", "signHost=false is refused by the policy (SIGN_ALLOW_UNSIGNED_HOST): an unsigned host lets the signature be replayed on other hosts")
		}
		t.unsignedHost = true
	default:
		return badRequest("InvalidField", fmt.Sprintf("signHost must be true or false, got %s", truncate(strconv.Quote(in.SignHost.s), 40)))
	}
	return nil
}

// placeKey sets the key to sign: one the service chooses (ext or
// filename), or the one asked for, normalised and checked against the key
// policy; an empty key is a bucket request (listing reports a scoped
// listing).
func (s *Service) placeKey(t *target, route string, in *input, k keyAsked, sub string) (listing bool, err error) {
	if k.wantsChosen(in) {
		if route != routePresign && route != routePostPolicy {
			return false, badRequest("MissingKey", "key is required (ext and filename choose a key only on /presign and /post-policy)")
		}
		key, err := s.chooseKey(in, sub, route, t.method)
		if err != nil {
			return false, err
		}
		t.key, t.serverChosenKey = key, true
		return false, nil
	}
	if !k.set {
		return false, badRequest("MissingKey", "key is required (or ext / filename for a key the service chooses)")
	}
	key, nerr := policy.NormalizeKey(k.raw)
	if nerr != nil {
		return false, badRequest("InvalidKey", nerr.Error())
	}
	if route == routePostPolicy && strings.Contains(key, "${") {
		// COS replaces ${filename} in a form's key with the uploaded file's
		// name: the policy would no longer bind one key.
		return false, badRequest("InvalidKey", "a POST upload's key may not hold \"${\": COS replaces ${filename} with the uploaded file's name, which the policy cannot bind")
	}
	if key == "" {
		if listing, err = s.bucketRequest(t, route, sub); err != nil {
			return false, err
		}
	} else if err := s.checkKey(key, sub, route, t.method); err != nil {
		return false, err
	}
	if err := s.checkExtension(t, key); err != nil {
		return false, err
	}
	t.key = key
	return listing, nil
}

// checkExtension: an upload's key ends in one of SIGN_ALLOWED_EXTENSIONS,
// when they are set.
func (s *Service) checkExtension(t *target, key string) error {
	if !t.writes() || t.method == "DELETE" || len(s.cfg.AllowedExtensions) == 0 || key == "" {
		return nil
	}
	ext, _ := policy.NormalizeExt(policy.ExtOf(key))
	if !s.cfg.AllowedExtensions.Allows(ext) {
		return forbidden("ExtensionNotAllowed", fmt.Sprintf("the key's extension is not in SIGN_ALLOWED_EXTENSIONS (%s)", s.extList()))
	}
	return nil
}

// checkNames: only the header and param names the policy allows may be
// signed; a scoped listing's params are allowed by its own rule
// (policy.BucketListing), and processing by its family (checkProcessing).
func (s *Service) checkNames(t *target, listing bool) error {
	for name := range t.headers {
		if signer.SignsHeader(name) && !s.cfg.AllowedHeaders.Allows(name) && !t.tokenName(name) {
			return forbidden("HeaderNotAllowed", fmt.Sprintf("header %s may not be signed (SIGN_ALLOWED_HEADERS%s)", quoteName(name), sensitiveNote(name)))
		}
	}
	if listing {
		return nil
	}
	for name := range t.params {
		if !s.cfg.AllowedParams.Allows(name) && !t.tokenName(name) && !t.processes(name) {
			return forbidden("ParamNotAllowed", fmt.Sprintf("param %s may not be signed (SIGN_ALLOWED_PARAMS%s)", quoteName(name), sensitiveNote(name)))
		}
	}
	return nil
}

// checkObjectRequest: what the request does to its object (policy.ObjectOp)
// must be one the service signs, its copy sources and response type pass
// the policy, and an upload its type and size limits.
func (s *Service) checkObjectRequest(t *target, route string, in *input, sub string) error {
	op := policy.OpPut // a form upload creates an object
	if route != routePostPolicy {
		var oe *policy.OpRefusal
		if op, oe = policy.ObjectOp(t.method, t.params); oe != nil {
			if oe.Code == "PostNotAllowed" {
				return forbidden(oe.Code, oe.Reason)
			}
			return badRequest(oe.Code, oe.Reason)
		}
	}
	if err := s.checkCopySources(t, sub); err != nil {
		return err
	}
	if err := s.checkResponseType(t); err != nil {
		return err
	}
	return s.uploadLimits(route, in, t, op)
}

// tokenParam is the session token's param, spelt as COS reads it.
const tokenParam = "x-cos-security-token"

// tokenName: a caller may repeat the service's own session token (the
// signer checks that it is the same); without one it is just another name.
func (t *target) tokenName(name string) bool {
	return t.keys.signer.SessionToken() != "" && strings.EqualFold(name, "x-cos-security-token")
}

func (s *Service) checkHost(t *target, given string) error {
	own, err := s.hosts.Host(t.bucket, t.region)
	if err != nil {
		return fromSignerError(err)
	}
	h := strings.TrimSpace(given)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	if !strings.EqualFold(h, own) {
		return badRequest("HostHeader", fmt.Sprintf("the Host header %s is not this bucket's host %s", quoteName(given), own))
	}
	return nil
}

func (t *target) request() *signer.Request {
	return &signer.Request{Method: t.method, Bucket: t.bucket, Region: t.region, Key: signedKey(t.key),
		Headers: t.headers, Params: t.params, UnsignedHost: t.unsignedHost, Window: t.window}
}

// signedKey is the key as the signer takes it ("/" for the bucket itself).
func signedKey(k string) string {
	if k == "" {
		return "/"
	}
	return k
}

func isDigits(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
