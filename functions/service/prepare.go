package service

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/service/policy"
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
	contentType         string // for POST policies
	contentLength       int64  // -1 when not stated
}

// prepare applies the policy to one request for route and fills t with
// what to sign (t is the caller's, so it stays on its stack), or refuses.
func (s *Service) prepare(t *target, route string, in *input, id *auth.Identity, now time.Time, le *logEntry) *apiError {
	*t = target{region: in.Region, contentLength: -1}
	sub := ""
	if id != nil {
		sub = id.Subject
	}

	// Bucket: the configured one, or one of COS_ALLOWED_BUCKETS.
	t.bucket = in.Bucket
	if t.bucket == "" {
		t.bucket = s.cfg.Bucket
		if t.bucket == "" {
			return badRequest("MissingBucket", "bucket is required: no default bucket (COS_BUCKET) is configured")
		}
	} else if !strings.EqualFold(t.bucket, s.cfg.Bucket) && !s.buckets[strings.ToLower(t.bucket)] {
		return forbidden("BucketNotAllowed", fmt.Sprintf("bucket %s is not the configured bucket nor listed in COS_ALLOWED_BUCKETS", truncate(strconv.Quote(t.bucket), 80)))
	}
	le.bucket = t.bucket

	// Key: key, or the getAuthorization options' Pathname; with neither,
	// ext or filename ask the service to choose one.
	rawKey, haveKey := in.Key.s, in.Key.set
	if in.Pathname.set {
		if haveKey && strings.TrimPrefix(in.Pathname.s, "/") != strings.TrimPrefix(rawKey, "/") {
			return badRequest("InvalidKey", "Key and Pathname name different objects")
		}
		rawKey, haveKey = in.Pathname.s, true
	}
	wantsChosen := (!haveKey || rawKey == "") && (in.Ext != "" || in.Filename != "")
	le.key = rawKey // the key as asked, so refusals are auditable; replaced by the normalised key below

	// Method.
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
	if !s.methods[t.method] {
		return forbidden("MethodNotAllowed", fmt.Sprintf("method %s is not allowed by the policy (SIGN_ALLOWED_METHODS: %s)", t.method, strings.Join(s.cfg.AllowedMethods, ",")))
	}
	write := t.method == "PUT" || t.method == "POST" || t.method == "DELETE"
	if write && id == nil && !s.cfg.AllowAnonymousWrites {
		return forbidden("AnonymousWriteRefused", fmt.Sprintf("%s needs an authenticated caller (AUTH_MODE is %s and SIGN_ALLOW_ANONYMOUS_WRITES is false)", t.method, s.authMode))
	}

	// Expiry: never silently cut.
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
	w, err := signer.NewWindow(now, time.Duration(secs)*time.Second)
	if err != nil {
		return fromSignerError(err)
	}
	t.window = w

	// signHost=false only when the policy allows it.
	if in.SignHost.set {
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
	}

	if wantsChosen {
		if route != routePresign && route != routePostPolicy {
			return badRequest("MissingKey", "key is required (ext and filename choose a key only on /presign and /post-policy)")
		}
		key, err := s.chooseKey(in, sub)
		if err != nil {
			return err
		}
		t.key, t.serverChosenKey = key, true
	} else {
		if !haveKey {
			return badRequest("MissingKey", "key is required (or ext / filename for a key the service chooses)")
		}
		key, err := policy.NormalizeKey(rawKey)
		if err != nil {
			return badRequest("InvalidKey", err.Error())
		}
		if route == routePostPolicy && strings.Contains(key, "${") {
			// COS replaces ${filename} in a form's key with the uploaded file's
			// name: the policy would no longer bind one key.
			return badRequest("InvalidKey", "a POST upload's key may not hold \"${\": COS replaces ${filename} with the uploaded file's name, which the policy cannot bind")
		}
		if key == "" && !s.cfg.AllowBucketKey {
			return forbidden("KeyNotAllowed", "the bucket itself (key \"/\" or empty) may not be signed: name an object")
		}
		if key != "" {
			if aerr := s.checkPrefix(key, sub); aerr != nil {
				return aerr
			}
		}
		if write && t.method != "DELETE" && len(s.cfg.AllowedExtensions) > 0 && key != "" {
			ext, _ := policy.NormalizeExt(policy.ExtOf(key))
			if !s.cfg.AllowedExtensions.Allows(ext) {
				return forbidden("ExtensionNotAllowed", fmt.Sprintf("the key's extension is not in SIGN_ALLOWED_EXTENSIONS (%s)", s.extList()))
			}
		}
		t.key = key
	}
	le.key = t.key

	// Headers and params: only the names the policy allows may be signed.
	if len(in.Headers) > 0 {
		t.headers = make(map[string]string, len(in.Headers)+2)
		for name, v := range in.Headers {
			if strings.EqualFold(name, "host") && route == routeAuth {
				// The SDKs' getAuthorization adds the Host it will send:
				// accept it only when it is the service's own host, which
				// the signer then signs itself.
				if err := s.checkHost(t, v.s); err != nil {
					return err
				}
				continue
			}
			if signer.SignsHeader(name) && !s.cfg.AllowedHeaders.Allows(name) && !s.tokenName(name) {
				return forbidden("HeaderNotAllowed", fmt.Sprintf("header %s may not be signed (SIGN_ALLOWED_HEADERS)", truncate(strconv.Quote(name), 80)))
			}
			t.headers[name] = v.s
		}
	}
	if n := len(in.Params) + len(in.Query); n > 0 {
		t.params = make(map[string]string, n)
		for _, m := range []map[string]scalar{in.Query, in.Params} {
			for name, v := range m {
				if !s.cfg.AllowedParams.Allows(name) && !s.tokenName(name) {
					return forbidden("ParamNotAllowed", fmt.Sprintf("param %s may not be signed (SIGN_ALLOWED_PARAMS)", truncate(strconv.Quote(name), 80)))
				}
				if old, dup := t.params[name]; dup && old != v.s {
					return badRequest("DuplicateName", fmt.Sprintf("param %s is given twice with different values", truncate(strconv.Quote(name), 80)))
				}
				t.params[name] = v.s
			}
		}
	}
	if aerr := s.uploadLimits(route, in, t); aerr != nil {
		return aerr
	}
	return nil
}

// tokenName: a caller may repeat the service's own session token (the
// signer checks that it is the same); without one it is just another name.
func (s *Service) tokenName(name string) bool {
	return s.signer.SessionToken() != "" && strings.EqualFold(name, "x-cos-security-token")
}

func (s *Service) checkHost(t *target, given string) *apiError {
	own, err := s.signer.Host(t.bucket, t.region)
	if err != nil {
		return fromSignerError(err)
	}
	h := strings.TrimSpace(given)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	if !strings.EqualFold(h, own) {
		return badRequest("HostHeader", fmt.Sprintf("the Host header %s is not this bucket's host %s", truncate(strconv.Quote(given), 80), own))
	}
	return nil
}

// checkPrefix admits a normalised key under SIGN_KEY_PREFIXES (any key when
// none is configured), matching only at a segment boundary.
func (s *Service) checkPrefix(key, sub string) *apiError {
	if len(s.cfg.KeyPrefixes) == 0 {
		return nil
	}
	needsID := false
	for _, p := range s.cfg.KeyPrefixes {
		if p.Admits(key, sub) {
			return nil
		}
		needsID = needsID || p.HasSub()
	}
	if needsID && sub != "" && !policy.ValidIdentity(sub) {
		return forbidden("IdentityNotUsable", "the caller's identity cannot name a key prefix (it holds '/', '..', '%' or control characters)")
	}
	return forbidden("KeyNotAllowed", fmt.Sprintf("key %s is outside the allowed prefixes (SIGN_KEY_PREFIXES)", truncate(strconv.Quote(key), 120)))
}

// chooseKey makes a server-chosen key: the first allowed prefix (with {sub}
// filled), 128 random bits in hex, and the extension.
func (s *Service) chooseKey(in *input, sub string) (string, *apiError) {
	rawExt := in.Ext
	if rawExt == "" {
		rawExt = policy.ExtOf(in.Filename)
	}
	ext := ""
	if rawExt != "" {
		var ok bool
		if ext, ok = policy.NormalizeExt(rawExt); !ok {
			return "", badRequest("InvalidExtension", "ext must be 1-16 letters or digits (such as jpg)")
		}
	}
	if !s.cfg.AllowedExtensions.Allows(ext) {
		return "", forbidden("ExtensionNotAllowed", fmt.Sprintf("extension %s is not in SIGN_ALLOWED_EXTENSIONS (%s)", strconv.Quote(ext), s.extList()))
	}
	folder, found := "", len(s.cfg.KeyPrefixes) == 0
	for _, p := range s.cfg.KeyPrefixes {
		if f, ok := p.Fill(sub); ok {
			folder, found = f, true
			break
		}
	}
	if !found {
		if sub != "" && !policy.ValidIdentity(sub) {
			return "", forbidden("IdentityNotUsable", "the caller's identity cannot name a key prefix (it holds '/', '..', '%' or control characters)")
		}
		return "", forbidden("KeyNotAllowed", "no allowed key prefix can be used without an authenticated caller ({sub} in SIGN_KEY_PREFIXES)")
	}
	id, err := policy.RandomID()
	if err != nil {
		return "", &apiError{status: http.StatusInternalServerError, code: "InternalError", message: "no randomness for a key"}
	}
	key := id
	if folder != "" {
		key = folder + "/" + id
	}
	if ext != "" {
		key += "." + ext
	}
	return key, nil
}

func (s *Service) extList() string {
	return strings.Join(slices.Sorted(maps.Keys(s.cfg.AllowedExtensions)), ",")
}

// uploadLimits enforces SIGN_ALLOWED_CONTENT_TYPES and
// SIGN_MAX_CONTENT_LENGTH. For a PUT the caller states the type and length
// (contentType / contentLength, or the headers) and both are signed, so COS
// refuses an upload that differs; a part upload (uploadId) needs only the
// length. For a POST policy they become conditions (see postPolicy).
func (s *Service) uploadLimits(route string, in *input, t *target) *apiError {
	ct, cl := in.ContentType.s, in.ContentLength.s
	ctSet, clSet := in.ContentType.set && ct != "", in.ContentLength.set && cl != ""
	var ctName, clName string
	for name, v := range t.headers {
		switch {
		case strings.EqualFold(name, "content-type"):
			if ctName != "" {
				return badRequest("DuplicateName", "headers "+strconv.Quote(ctName)+" and "+strconv.Quote(name)+" differ only in letter case: send one of them")
			}
			if ctSet && v != ct {
				return badRequest("InvalidField", "contentType and the Content-Type header differ")
			}
			ct, ctSet, ctName = v, true, name
		case strings.EqualFold(name, "content-length"):
			if clName != "" {
				return badRequest("DuplicateName", "headers "+strconv.Quote(clName)+" and "+strconv.Quote(name)+" differ only in letter case: send one of them")
			}
			if clSet && strings.TrimSpace(v) != strings.TrimSpace(cl) {
				return badRequest("InvalidField", "contentLength and the Content-Length header differ")
			}
			cl, clSet, clName = v, true, name
		}
	}
	if clSet {
		n, err := strconv.ParseInt(strings.TrimSpace(cl), 10, 64)
		if err != nil || n < 0 {
			return badRequest("InvalidContentLength", fmt.Sprintf("contentLength must be a whole number of bytes, got %s", truncate(strconv.Quote(cl), 40)))
		}
		t.contentLength = n
	}
	if ctSet {
		t.contentType = ct
	}
	limitsApply := route == routePostPolicy || t.method == "PUT"
	if !limitsApply {
		return nil
	}
	types, maxLen := s.cfg.AllowedContentTypes, s.cfg.MaxContentLength
	if ctSet && !types.Allows(ct) {
		return forbidden("ContentTypeNotAllowed", fmt.Sprintf("content type %s is not allowed (SIGN_ALLOWED_CONTENT_TYPES)", truncate(strconv.Quote(ct), 80)))
	}
	if clSet && maxLen > 0 && t.contentLength > maxLen {
		return forbidden("ContentLengthNotAllowed", fmt.Sprintf("content length %d is more than the maximum of %d bytes (SIGN_MAX_CONTENT_LENGTH)", t.contentLength, maxLen))
	}
	if route == routePostPolicy {
		return nil
	}
	_, isPart := t.params["uploadId"]
	if types.Set() && !ctSet && !isPart {
		return badRequest("MissingContentType", "contentType is required: uploads are limited to SIGN_ALLOWED_CONTENT_TYPES and the type is signed")
	}
	if maxLen > 0 && !clSet {
		return badRequest("MissingContentLength", "contentLength is required: uploads are limited by SIGN_MAX_CONTENT_LENGTH and the length is signed")
	}
	// Sign what was stated, so COS refuses anything else.
	if (types.Set() && ctSet) || (maxLen > 0 && clSet) {
		if t.headers == nil {
			t.headers = make(map[string]string, 2)
		}
		if types.Set() && ctSet && ctName == "" {
			t.headers["Content-Type"] = ct
		}
		if maxLen > 0 && clSet && clName == "" {
			t.headers["Content-Length"] = strconv.FormatInt(t.contentLength, 10)
		}
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
