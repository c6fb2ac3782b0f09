package service

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/signer"
)

// Per-request caps: more names than this is a 400, so that one small body
// cannot make a large answer (a batch multiplies them).
const (
	maxHeaders = 64
	maxParams  = 64
)

// collectNames copies the headers and params to sign into t, refusing
// more than the caps, names differing only in letter case, and a Host
// header other than the service's own (which the SDKs' getAuthorization
// passes on /auth, and which the signer then signs itself).
func (s *Service) collectNames(t *target, route string, in *input) error {
	if len(in.Headers) > maxHeaders {
		return badRequest("TooManyHeaders", fmt.Sprintf("headers holds %d names; the maximum is %d", len(in.Headers), maxHeaders))
	}
	if n := len(in.Params) + len(in.Query); n > maxParams {
		return badRequest("TooManyParams", fmt.Sprintf("params and Query hold %d names; the maximum is %d", n, maxParams))
	}
	if len(in.Headers) > 0 {
		t.headers = make(map[string]string, len(in.Headers)+2)
		seen := make(map[string]string, len(in.Headers))
		for name, v := range in.Headers {
			if err := policy.CheckHeaderName(name); err != nil {
				return badRequest("InvalidHeader", err.Error())
			}
			if strings.EqualFold(name, "host") && route == routeAuth {
				if err := s.checkHost(t, v.s); err != nil {
					return err
				}
				continue
			}
			if err := caseTwin(seen, "headers", name); err != nil {
				return err
			}
			t.headers[name] = v.s
		}
	}
	if n := len(in.Params) + len(in.Query); n > 0 {
		t.params = make(map[string]string, n)
		seen := make(map[string]string, n)
		for _, m := range []map[string]scalar{in.Query, in.Params} {
			for name, v := range m {
				if old, dup := t.params[name]; dup {
					if old != v.s {
						return badRequest("DuplicateName", fmt.Sprintf("param %s is given twice with different values", quoteName(name)))
					}
					continue
				}
				if err := policy.CheckParamName(name); err != nil {
					return badRequest("InvalidParam", err.Error())
				}
				if err := caseTwin(seen, "params", name); err != nil {
					return err
				}
				t.params[name] = v.s
			}
		}
	}
	return nil
}

// caseTwin refuses name when seen holds another spelling of it, differing
// only in letter case (what names the list: "headers", "params"), and
// records it otherwise. Names are ASCII by now (policy.CheckHeaderName,
// CheckParamName), so the ASCII case is the only one.
func caseTwin(seen map[string]string, what, name string) error {
	lower := strings.ToLower(name)
	if prev, dup := seen[lower]; dup {
		return badRequest("DuplicateName", fmt.Sprintf("%s %s and %s differ only in letter case: send one of them", what, quoteName(prev), quoteName(name)))
	}
	seen[lower] = name
	return nil
}

// sensitiveNote tells why a wildcard did not admit a name.
func sensitiveNote(name string) string {
	if policy.Sensitive(name) {
		return "; it is a sensitive name, signed only when listed by name"
	}
	return ""
}

// checkKey admits a normalised, non-empty key for method under
// SIGN_KEY_PREFIXES (any key when none is configured): some prefix must
// hold the key at a segment boundary and allow the method. A form upload
// (/post-policy) is an upload: a prefix allowing PUT or POST admits it.
func (s *Service) checkKey(key, sub, route, method string) error {
	rules := s.cfg.KeyPrefixes
	v := rules.Check(key, sub, method)
	if v != policy.KeyAllowed && route == routePostPolicy {
		if rules.Check(key, sub, "PUT") == policy.KeyAllowed {
			v = policy.KeyAllowed
		}
	}
	if v == policy.KeyAllowed {
		return nil
	}
	q := truncate(strconv.Quote(key), 120)
	return s.keyRefusal(v, sub,
		fmt.Sprintf("%s is not allowed under the prefix of key %s (SIGN_KEY_PREFIXES: %s)", methodLabel(route, method), q, s.rulesList()),
		fmt.Sprintf("key %s is outside the allowed prefixes (SIGN_KEY_PREFIXES)", q))
}

// keyRefusal is the refusal for a verdict of SIGN_KEY_PREFIXES other than
// KeyAllowed: MethodNotAllowed with methodRefused, else IdentityNotUsable
// when the rules need an identity the caller's cannot fill, else
// KeyNotAllowed with outside.
func (s *Service) keyRefusal(v policy.KeyVerdict, sub, methodRefused, outside string) error {
	switch v {
	case policy.KeyAllowed:
		return nil
	case policy.KeyMethodRefused:
		return forbidden("MethodNotAllowed", methodRefused)
	}
	if s.cfg.KeyPrefixes.NeedsSub() && sub != "" && !policy.ValidIdentity(sub) {
		return identityNotUsable()
	}
	return forbidden("KeyNotAllowed", outside)
}

// identityNotUsable: the caller's identity cannot fill {sub}.
func identityNotUsable() error {
	return forbidden("IdentityNotUsable", "the caller's identity cannot name a key prefix (it holds '/', '..', '%' or control characters)")
}

func methodLabel(route, method string) string {
	if route == routePostPolicy {
		return "a form upload (/post-policy)"
	}
	return method
}

func (s *Service) rulesList() string {
	parts := make([]string, len(s.cfg.KeyPrefixes))
	for i, r := range s.cfg.KeyPrefixes {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// bucketRequest decides a request for the bucket itself (key "" or "/"),
// and says whether it is a scoped listing. With SIGN_ALLOW_BUCKET_OPERATIONS
// any is signed. Otherwise only a listing confined to the caller's
// prefixes: ListMultipartUploads (GET ?uploads&prefix=…, on by default,
// since the SDKs' uploadFile asks it before every multipart upload) and,
// with SIGN_ALLOW_PREFIX_LISTING, GET Bucket (?prefix=…). The prefix is
// checked exactly like a key, and is signed with every other listing param.
func (s *Service) bucketRequest(t *target, route, sub string) (bool, error) {
	if s.cfg.AllowBucketKey {
		// Any bucket request; a listing's params still need no listing in
		// SIGN_ALLOWED_PARAMS.
		kind, _, err := policy.BucketListing(t.method, t.params)
		return err == nil && kind != policy.NotListing, nil
	}
	switch {
	case route == routePostPolicy:
		return false, forbidden("KeyNotAllowed", "a POST policy must name one object (key)")
	case t.method == "POST":
		return false, forbidden("KeyNotAllowed", "POST to the bucket (a form upload: postObject, cos-wx-sdk-v5's default for files up to 1 MB) would admit any key: "+
			"set SimpleUploadMethod: 'putObject' in the SDK's options, or upload with the fields of /post-policy, which bind one key")
	}
	params := t.params
	if policy.HasParam(params, tokenParam) && t.tokenName(tokenParam) {
		params = maps.Clone(params)
		delete(params, tokenParam)
	}
	kind, prefix, err := policy.BucketListing(t.method, params)
	if err != nil {
		return false, badRequest("InvalidParam", err.Error())
	}
	switch {
	case kind == policy.NotListing:
		return false, forbidden("KeyNotAllowed", "the bucket itself (key \"/\" or empty) may not be signed: name an object. "+
			"Listing is signed only inside your prefixes: GET ?uploads&prefix=<folder>/ (ListMultipartUploads), or GET ?prefix=<folder>/ with SIGN_ALLOW_PREFIX_LISTING; "+
			"other bucket operations need SIGN_ALLOW_BUCKET_OPERATIONS")
	case kind == policy.ListObjects && !s.cfg.AllowPrefixListing:
		return false, forbidden("KeyNotAllowed", "listing objects (GET Bucket with a prefix) is off: the deployment enables it with SIGN_ALLOW_PREFIX_LISTING=true")
	}
	n, err := policy.ListingPrefix(prefix)
	if err != nil {
		return false, badRequest("InvalidKey", err.Error())
	}
	v := s.cfg.KeyPrefixes.Check(n, sub, "GET")
	if v == policy.KeyAllowed {
		return true, nil
	}
	q := truncate(strconv.Quote(n), 120)
	return false, s.keyRefusal(v, sub,
		fmt.Sprintf("GET (%s) is not allowed under the prefix of %s (SIGN_KEY_PREFIXES: %s)", kind, q, s.rulesList()),
		fmt.Sprintf("%s prefix %s is outside the allowed prefixes (SIGN_KEY_PREFIXES): name your folder with its trailing '/' (users/alice/, not users/alice, which would also match users/alice2/)", kind, q))
}

// chooseKey makes a server-chosen key: the first prefix that the caller's
// identity can fill and that allows the method (with {sub} filled), 128
// random bits in hex, and the extension.
func (s *Service) chooseKey(in *input, sub, route, method string) (string, error) {
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
	for _, r := range s.cfg.KeyPrefixes {
		if !r.AllowsMethod(method) && !(route == routePostPolicy && r.AllowsMethod("PUT")) {
			continue
		}
		if f, ok := r.Fill(sub); ok {
			folder, found = f, true
			break
		}
	}
	if !found {
		if sub != "" && !policy.ValidIdentity(sub) {
			return "", identityNotUsable()
		}
		return "", forbidden("KeyNotAllowed", fmt.Sprintf("no allowed key prefix admits %s for this caller (SIGN_KEY_PREFIXES: %s; {sub} needs an authenticated caller)", methodLabel(route, method), s.rulesList()))
	}
	id, err := policy.RandomID()
	if err != nil {
		return "", &apiError{http.StatusInternalServerError, "InternalError", "no randomness for a key"}
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

// checkCopySources: a copy or rename source (signed only when the
// deployment lists its name) must name an object this caller may act on as
// the operation does (policy.SourceMethods): GET for a copy, GET and DELETE
// for a rename, which moves it; in the request's bucket or another allowed
// one, inside the caller's prefixes, checked like a key. Otherwise COS
// would copy another user's object into the caller's folder, or move one
// out of a read-only folder, with the service's credential. A copy takes
// the source's size and type, which the service cannot know: under the
// upload limits it is signed only with SIGN_ALLOW_COPIES_PAST_LIMITS.
func (s *Service) checkCopySources(t *target, sub string) error {
	for name, v := range t.headers {
		lower := strings.ToLower(name) // ASCII: policy.CheckHeaderName
		methods := policy.SourceMethods(lower)
		if methods == nil {
			continue
		}
		cs, err := policy.ParseCopySource(v)
		if err != nil {
			return badRequest("InvalidCopySource", fmt.Sprintf("%s: %v", lower, err))
		}
		if cs.Host != "" && !s.ownHost(cs.Host, t.region) {
			return forbidden("CopySourceNotAllowed", fmt.Sprintf("%s names a bucket host that is not the configured bucket's nor one of COS_ALLOWED_BUCKETS in this region", lower))
		}
		for _, m := range methods {
			if !s.methods[m] || s.cfg.KeyPrefixes.Check(cs.Key, sub, m) != policy.KeyAllowed {
				return forbidden("CopySourceNotAllowed", fmt.Sprintf("%s key %s is outside the prefixes where this caller may %s (SIGN_KEY_PREFIXES, SIGN_ALLOWED_METHODS): %s",
					lower, truncate(strconv.Quote(cs.Key), 120), strings.Join(methods, " and "), sourceWhy(lower)))
			}
		}
		if lower == "x-cos-copy-source" && !s.cfg.AllowCopiesPastLimits && (s.cfg.MaxContentLength > 0 || s.cfg.AllowedContentTypes.Set()) {
			return forbidden("CopyNotAllowed", "a copy takes its source's size and type, which the service cannot know, so it would escape SIGN_MAX_CONTENT_LENGTH and SIGN_ALLOWED_CONTENT_TYPES: "+
				"copies are signed under those limits only with SIGN_ALLOW_COPIES_PAST_LIMITS=true")
		}
	}
	return nil
}

func sourceWhy(header string) string {
	if header == "x-cos-rename-source" {
		return "a rename moves the source, reading and deleting it"
	}
	return "a copy reads the source"
}

// ownHost says whether host is the COS host of the configured bucket or of
// one of COS_ALLOWED_BUCKETS, in region.
func (s *Service) ownHost(host, region string) bool {
	for _, b := range append([]string{s.cfg.Bucket}, s.cfg.AllowedBuckets...) {
		if b == "" {
			continue
		}
		if h, err := s.hosts.Host(b, region); err == nil && strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// requestBucket is a request's bucket: the given one if it is the
// configured one (COS_BUCKET) or one of COS_ALLOWED_BUCKETS, else the
// configured one when none is given.
func (s *Service) requestBucket(given string) (string, error) {
	if given == "" {
		if s.cfg.Bucket == "" {
			return "", badRequest("MissingBucket", "bucket is required: no default bucket (COS_BUCKET) is configured")
		}
		return s.cfg.Bucket, nil
	}
	if !s.bucketAllowed(given) {
		return "", forbidden("BucketNotAllowed", fmt.Sprintf("bucket %s is not the configured bucket nor listed in COS_ALLOWED_BUCKETS", quoteName(given)))
	}
	return given, nil
}

// bucketAllowed says whether b names the configured bucket or one of
// COS_ALLOWED_BUCKETS, in any letter case.
func (s *Service) bucketAllowed(b string) bool {
	return b != "" && (strings.EqualFold(b, s.cfg.Bucket) || s.buckets[strings.ToLower(b)])
}

// requestRegion pins a request's region: the configured one (COS_REGION)
// or one of COS_ALLOWED_REGIONS, given as a plain region name. A region
// holding "cos." or a host, or the accelerate endpoint, would let the
// caller choose the signed host: only COS_ENDPOINT chooses those. When
// COS_ENDPOINT or COS_DOMAIN decides the host, a plain region is accepted
// and does not matter.
func (s *Service) requestRegion(given string) (string, error) {
	if given == "" {
		return "", nil
	}
	if !tokenLike(given, ".-") || len(given) > 128 {
		return "", badRequest("InvalidRegion", fmt.Sprintf("region %s is not valid (such as ap-guangzhou)", quoteName(given)))
	}
	if !policy.PlainRegion(given) {
		return "", forbidden("RegionNotAllowed", fmt.Sprintf("region %s is not a region name (such as ap-guangzhou): hosts and the accelerate endpoint come only from the deployment's COS_ENDPOINT", quoteName(given)))
	}
	// Compared as Tencent Cloud names them, so that a COS_REGION written
	// "cos.ap-guangzhou" or "cosgz" admits the SDKs' "ap-guangzhou".
	canon := signer.CanonicalRegion(given)
	if s.cfg.Endpoint.Region != "" && canon == signer.CanonicalRegion(s.cfg.Endpoint.Region) {
		return given, nil
	}
	for _, r := range s.cfg.AllowedRegions {
		if canon == signer.CanonicalRegion(r) {
			return given, nil
		}
	}
	if s.cfg.Endpoint.Endpoint != "" || s.cfg.Endpoint.Domain != "" {
		return "", nil
	}
	return "", forbidden("RegionNotAllowed", fmt.Sprintf("region %s is not the configured region (COS_REGION) nor listed in COS_ALLOWED_REGIONS", quoteName(given)))
}
