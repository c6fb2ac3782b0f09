package service

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakecos"
)

// The equivalence: whatever a vended policy allows under any reading of
// CAM (campolicy.Allows), the service's key policy signs for the same
// caller (/auth). The request is what a client holding the credentials
// may send COS: any method, key, content type and length, and headers and
// params of its choosing. CAM sees only the action, the resource and the
// condition keys, so a name that selects no action and has no condition
// key (x-cos-meta-*, a copy source, an unknown param) is invisible to it:
// docs/sts.md lists those, and the key policy is asked without them.

// stsConfig is one deployment the equivalence runs under, and the form
// its credentials are asked in.
type stsConfig struct {
	name string
	env  map[string]string
	sub  string // "" anonymous
	body string // the /sts request
}

var stsConfigs = []stsConfig{
	{"per-prefix methods, image/* and 1000 bytes", map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,drop/=PUT,public/=GET|HEAD",
		"SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE", "SIGN_ALLOWED_CONTENT_TYPES": "image/*,application/pdf", "SIGN_MAX_CONTENT_LENGTH": "1000"}, "alice", `{}`},
	{"whole objects only (no multipart params), no POST", map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,shared/=GET|PUT",
		"SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,DELETE", "SIGN_ALLOWED_PARAMS": "versionId"}, "alice", `{}`},
	{"ACLs allowed, response types limited", map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/",
		"SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE", "SIGN_ALLOWED_HEADERS": "content-type,content-length,x-cos-acl,x-cos-grant-*",
		"SIGN_ALLOWED_CONTENT_TYPES": "image/png,text/csv"}, "alice", `{}`},
	{"anonymous reader", map[string]string{"SIGN_KEY_PREFIXES": "uploads/,public/=GET", "STS_ALLOW_ANONYMOUS": "true"}, "", `{}`},
	{"key form", map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/", "SIGN_ALLOWED_METHODS": "GET,PUT,POST",
		"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice", `{"ext":"png","contentType":"image/png"}`},
	{"scope form", map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,public/=GET", "SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE"}, "alice",
		`{"Scope":[{"action":"name/cos:PutObject","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"users/alice/a/"},` +
			`{"action":"name/cos:ListParts","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"users/alice/a/"},` +
			`{"action":"name/cos:GetObject","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"public/"}]}`},
}

type equivalence struct {
	f      *fixture
	policy *campolicy.Policy
	text   string
	key    string // the key form's key, which "{key}" stands for in a request
}

func newEquivalence(t testing.TB, c stsConfig) *equivalence {
	f, fake := stsFixture(t, c.env, c.sub)
	a := f.post("/sts", c.body)
	require.Equal(t, 200, a.status, "%s: %s", c.name, a.body)
	v := fake.Vended()[0]
	var ans sts.Answer
	require.NoError(t, json.Unmarshal(a.body, &ans))
	return &equivalence{f: f, policy: v.Policy, text: v.PolicyText, key: ans.Key}
}

// cosRequest is a request a client holding the credentials sends COS.
type cosRequest struct {
	method, key string
	headers     map[string]string // lower-case names
	params      map[string]string
}

// subresources are the params by which COS selects another action than
// the object's own (PUT ?acl is PutObjectACL): none is vended, and CAM
// refuses it. Any other unknown param COS ignores.
var subresources = []string{"acl", "tagging", "restore", "append", "select", "torrent", "cors", "policy", "lifecycle",
	"website", "versions", "versioning", "delete", "inventory", "uploads", "uploadId", "partNumber", "ci-process", "imageMogr2"}

// actionParams are the params by which COS tells each vended action
// (COS's spelling); besides them, CAM sees a param only through a
// condition key COS applies to the action, and COS ignores the rest.
var actionParams = map[string][]string{
	sts.ActInitiateMultipartUpload: {"uploads"},
	sts.ActUploadPart:              {"uploadId", "partNumber"},
	sts.ActCompleteMultipartUpload: {"uploadId"},
	sts.ActListParts:               {"uploadId"},
	sts.ActAbortMultipartUpload:    {"uploadId"},
	sts.ActListMultipartUploads:    {"uploads", "prefix"},
}

// action is the CAM action COS asks for r, as fakecos maps it, or "" when
// a subresource selects an action that is never vended.
func (r cosRequest) action() string {
	q := url.Values{}
	for name, v := range r.params {
		if slices.ContainsFunc(subresources, func(s string) bool { return strings.EqualFold(s, name) }) &&
			!slices.Contains([]string{"uploads", "uploadId", "partNumber"}, name) {
			return ""
		}
		q.Set(name, v)
	}
	if r.method == "PUT" && q.Has("uploadId") && !q.Has("partNumber") {
		return "" // COS refuses a part upload that names no part
	}
	return fakecos.ActionOf(r.method, r.key, q)
}

// camAllows evaluates the vended policy for r under every reading.
func (e *equivalence) camAllows(r cosRequest) bool {
	action := r.action()
	if action == "" {
		return false
	}
	path := r.key
	if r.key == "" {
		path = r.params["prefix"] // ListMultipartUploads: fakecos's reading of its resource
	}
	res := sts.Target{Region: testRegion, Bucket: testBucket}.Resource(path, false)
	return e.policy.Allows(campolicy.Request{Action: action, Resource: res, Headers: r.headers, Params: r.params})
}

// keySigns asks the service's /auth whether it signs r for the caller,
// without what COS ignores on r's action (a type on a GET, an ACL on a
// HEAD) and the names CAM cannot see.
func (e *equivalence) keySigns(t testing.TB, r cosRequest) bool {
	action := r.action()
	body := map[string]any{"key": r.key, "method": r.method}
	headers, params := map[string]string{}, map[string]string{}
	for name, v := range r.headers {
		switch {
		case name == "content-type" && (action == sts.ActPutObject || action == sts.ActInitiateMultipartUpload):
			body["contentType"] = v
		case name == "content-length" && (action == sts.ActPutObject || action == sts.ActUploadPart):
			body["contentLength"] = v
		case appliesTo(name, action):
			headers[name] = v
		}
	}
	for name, v := range r.params {
		if slices.Contains(actionParams[action], name) || appliesTo(name, action) {
			params[name] = v
		}
	}
	if action == sts.ActUploadPart && e.f.svc.stsLimits.Types != nil {
		// A signed part states an allowed type (issue 22: re-cased, a part
		// URL is a PUT Object, and a signature cannot bind the case). To
		// COS an Upload Part's type is nothing, and a part re-cased by a
		// holder of the credentials is a PutObject, which CAM checks with
		// its type condition: the key policy is asked as a signed part.
		body["contentType"] = e.f.svc.stsLimits.Types[0]
	}
	body["headers"], body["params"] = headers, params
	b, err := json.Marshal(body)
	require.NoError(t, err)
	a := e.f.post("/auth", string(b))
	switch a.status {
	case 200:
		return true
	case 400, 401, 403:
		return false
	}
	t.Fatalf("/auth answered %d: %s", a.status, a.body)
	return false
}

// appliesTo: name is the header or param of a condition key COS applies
// to action.
func appliesTo(name, action string) bool {
	for _, k := range sts.ConditionKeys() {
		if k.Name == name && slices.Contains(k.Actions, action) {
			return true
		}
	}
	return false
}

// sendable: what an HTTP client can put in a request line and headers,
// and a key COS stores as it is (the key policy refuses the others before
// anything else).
func (r cosRequest) sendable() bool {
	path := r.key
	if path == "" {
		path = r.params["prefix"] // a listing's prefix is checked like a key
	}
	if n, err := policy.NormalizeKey(path); path == "" || err != nil || n != path || strings.HasPrefix(path, "/") {
		return false
	}
	for name, v := range r.headers {
		if name == "" || strings.ToLower(name) != name || !validFieldValue(v) {
			return false
		}
		for i := 0; i < len(name); i++ {
			if c := name[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
				return false
			}
		}
	}
	return r.method != ""
}

func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func (e *equivalence) check(t testing.TB, r cosRequest) {
	t.Helper()
	if r.key == "{key}" || r.params["prefix"] == "{key}" {
		r.key = e.key
		if _, listing := r.params["prefix"]; listing {
			r.key, r.params["prefix"] = "", e.key
		}
	}
	if !r.sendable() || !e.camAllows(r) {
		return
	}
	if !e.keySigns(t, r) {
		t.Fatalf("%s %q headers %q params %q: the vended policy allows it under some reading of CAM, the key policy refuses it\npolicy: %s",
			r.method, r.key, r.headers, r.params, e.text)
	}
}

// shapes are the params of the request kinds COS distinguishes.
var shapes = []map[string]string{
	nil, {"uploads": ""}, {"uploadId": "u1"}, {"uploadId": "u1", "partNumber": "1"}, {"uploads": "", "prefix": ""},
	{"versionId": "v1"}, {"response-content-type": "text/html"}, {"acl": ""},
}

// request builds one request from the fuzzer's strings: the shape's params
// plus one param and one header of its own (a content type and length
// apart).
func request(method, key, ct string, cl int64, hname, hval, pname, pval string, shape uint8) cosRequest {
	r := cosRequest{method: method, key: key, headers: map[string]string{}, params: map[string]string{}}
	for k, v := range shapes[int(shape)%len(shapes)] {
		r.params[k] = v
	}
	if _, listing := r.params["prefix"]; listing {
		r.params["prefix"], r.key = key, ""
	}
	if ct != "" {
		r.headers["content-type"] = ct
	}
	if cl >= 0 {
		r.headers["content-length"] = strconv.FormatInt(cl, 10)
	}
	if hname != "" && hname != "content-type" && hname != "content-length" {
		r.headers[hname] = hval
	}
	if pname != "" {
		r.params[pname] = pval
	}
	return r
}

var (
	eqMethods = []string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "get"}
	eqKeys    = []string{"users/alice/a.png", "users/alice/", "users/alice/sub/b.pdf", "users/alice", "users/alice2/a.png",
		"users/ALICE/a.png", "users/bob/a.png", "drop/x.png", "public/a.pdf", "public/", "publicity/a", "shared/x", "uploads/x",
		"users/alice/a/b.png", "other/a.png", "users/alice/a?b", "{key}"}
	eqTypes = []string{"", "image/png", "IMAGE/PNG", " image/png", "image/png\t", "image/jpeg; charset=utf-8", "application/pdf",
		"image/svg+xml", "image/svg+xml ;charset=utf-8", "image/SVG+XML", "image/ png", "image/png (x)", "text/HTML", "text/csv",
		"text/c\u017fv", "application/XML", "text/JavaScript", "text/xml ;x", "image/png, text/html", "image/*", "*/*"}
	eqHeaders = [][2]string{{"", ""}, {"x-cos-acl", "public-read"}, {"x-cos-grant-read", `id="1"`}, {"x-cos-grant-full-control", `id="1"`},
		{"x-cos-storage-class", "ARCHIVE"}, {"x-cos-meta-a", "b"}}
)

// TestSTSPolicyNeverWiderThanKeyPolicy runs the equivalence over a table
// of methods, keys, types, lengths, request shapes and condition headers
// in every configuration (findings 1-3 among them).
func TestSTSPolicyNeverWiderThanKeyPolicy(t *testing.T) {
	for _, c := range stsConfigs {
		e := newEquivalence(t, c)
		for _, m := range eqMethods {
			for _, key := range eqKeys {
				for shape := range shapes {
					check := func(ct string, cl int64, h [2]string) {
						e.check(t, request(m, key, ct, cl, h[0], h[1], "", "", uint8(shape)))
					}
					for _, ct := range eqTypes {
						check(ct, 1000, eqHeaders[0])
					}
					for _, h := range eqHeaders {
						check("image/png", 1000, h)
					}
					check("image/png", -1, eqHeaders[0])
					check("image/png", 1001, eqHeaders[0])
				}
			}
		}
	}
}

// FuzzSTSPolicyNeverWiderThanKeyPolicy draws everything from open-ended
// strings. Its seeds run in make test; make fuzz explores.
func FuzzSTSPolicyNeverWiderThanKeyPolicy(f *testing.F) {
	seeds := []struct {
		cfg             uint8
		method, key, ct string
		cl              int64
		hn, hv, pn, pv  string
		shape           uint8
	}{
		{0, "PUT", "users/alice/a.png", "image/png", 10, "", "", "", "", 0},
		{0, "PUT", "drop/a.png", "image/svg+xml ;charset=utf-8", 10, "", "", "", "", 0},
		{0, "GET", "drop/", "", -1, "", "", "", "", 4},
		{0, "DELETE", "drop/a", "", -1, "", "", "", "", 2},
		{0, "GET", "users/alice/a", "", -1, "", "", "response-content-type", "text/html", 0},
		{1, "POST", "users/alice/a", "", -1, "", "", "", "", 1},
		{1, "PUT", "shared/a", "text/html", 5, "x-cos-acl", "public-read", "", "", 0},
		{2, "PUT", "users/alice/a", "text/csv", 5, "x-cos-acl", "public-read", "", "", 0},
		{2, "GET", "users/alice/a", "", -1, "", "", "", "", 6},
		{3, "GET", "public/a", "", -1, "x-cos-meta-a", "b", "acl", "", 0},
		{3, "PUT", "uploads/a", "", 1, "", "", "", "", 0},
		{4, "PUT", "{key}", "image/png", 1, "", "", "", "", 0},
		{4, "POST", "{key}", "image/png", -1, "", "", "", "", 1},
		{5, "GET", "users/alice/a/x", "", -1, "", "", "", "", 2},
		{5, "PUT", "users/alice/a/x", "", -1, "x-cos-grant-read", `id="1"`, "", "", 0},
	}
	for _, s := range seeds {
		f.Add(s.cfg, s.method, s.key, s.ct, s.cl, s.hn, s.hv, s.pn, s.pv, s.shape)
	}
	eqs := make([]*equivalence, len(stsConfigs))
	f.Fuzz(func(t *testing.T, cfg uint8, method, key, ct string, cl int64, hname, hval, pname, pval string, shape uint8) {
		i := int(cfg) % len(stsConfigs)
		if eqs[i] == nil {
			eqs[i] = newEquivalence(t, stsConfigs[i])
		}
		eqs[i].f.t = t
		eqs[i].check(t, request(method, key, ct, max(cl, -1), strings.ToLower(hname), hval, pname, pval, shape))
	})
}
