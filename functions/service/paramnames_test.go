package service

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 22: what a signature allows, as COS reads param names. Each
// finding is a request through the web door (ServeHTTP over real HTTP) or
// Invoke, and what it signs is then carried out by internal/fakecos, which
// verifies signatures with cos-go-sdk-v5 and reads param names as spelt.

// reviewEnv is the review's production-like configuration.
func reviewEnv(more map[string]string) map[string]string {
	env := authtest.HS256Env(authtest.Secret)
	env["SIGN_KEY_PREFIXES"] = "users/{sub}/,public/=GET|HEAD"
	env["SIGN_ALLOWED_METHODS"] = "GET,HEAD,PUT,POST,DELETE"
	env["SIGN_ALLOWED_CONTENT_TYPES"] = "image/*"
	env["SIGN_MAX_CONTENT_LENGTH"] = "10485760"
	env["COS_SCHEME"] = "http" // so the fake is reached as a proxy
	for k, v := range more {
		env[k] = v
	}
	return env
}

// cosDoor is the service behind its HTTP handler, and a fake COS that
// carries out what it signs.
type cosDoor struct {
	t    *testing.T
	f    *fixture
	web  *httptest.Server
	fake *fakecos.Server
	cl   *http.Client // to the fake, as a proxy
}

func newCOSDoor(t *testing.T, env map[string]string) *cosDoor {
	t.Helper()
	f := newFixture(t, env)
	fake := fakecos.New(fakecos.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	fake.Now = func() time.Time { return testNow }
	web := httptest.NewServer(f.svc)
	t.Cleanup(func() { web.Close(); fake.Close() })
	proxy, err := url.Parse(fake.URL)
	require.NoError(t, err)
	return &cosDoor{t: t, f: f, web: web, fake: fake, cl: &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyURL(proxy)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// ask sends a request to the web door as caller sub: a POST of body to
// route, or a GET with query when body is "".
func (d *cosDoor) ask(sub, route, body string, query url.Values) (answer, http.Header) {
	d.t.Helper()
	method, u, rd := http.MethodPost, d.web.URL+route, io.Reader(strings.NewReader(body))
	if body == "" {
		method, u, rd = http.MethodGet, u+"?"+query.Encode(), nil
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(d.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+authtest.Token(d.t, authtest.Secret, sub, time.Hour, authtest.MintedAt(testNow)))
	resp, err := (&http.Client{CheckRedirect: d.cl.CheckRedirect}).Do(req)
	require.NoError(d.t, err)
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	a.body, _ = io.ReadAll(resp.Body)
	if len(a.body) > 0 {
		require.NoError(d.t, json.Unmarshal(a.body, &a.obj), "%s", a.body)
	}
	return a, resp.Header
}

// cos sends a request to the fake COS and answers its status and body.
func (d *cosDoor) cos(method, u string, headers map[string]string, body []byte) (int, string) {
	d.t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(d.t, err)
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, v := range headers {
		if strings.EqualFold(k, "Content-Length") {
			continue // the body's own
		}
		req.Header.Set(k, v)
	}
	resp, err := d.cl.Do(req)
	require.NoError(d.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// presigned carries out a /presign answer with the headers it names
// (override replaces some), renaming params with recase.
func (d *cosDoor) presigned(a answer, recase *strings.Replacer, override map[string]string, body []byte) (int, string) {
	d.t.Helper()
	h := strMap(a.obj["headers"])
	if h == nil {
		h = map[string]string{}
	}
	for k, v := range override {
		h[k] = v
	}
	u := a.str("url")
	if recase != nil {
		u = recase.Replace(u)
	}
	return d.cos(a.str("method"), u, h, body)
}

// initiate starts a multipart upload of an image as sub, through the
// service and the fake, and answers its upload id.
func (d *cosDoor) initiate(sub, key string) string {
	d.t.Helper()
	a, _ := d.ask(sub, "/presign", `{"method":"POST","key":"`+key+`","params":{"uploads":""},"contentType":"image/png"}`, nil)
	require.Equal(d.t, 200, a.status, "%s", a.body)
	st, body := d.presigned(a, nil, nil, nil)
	require.Equal(d.t, 200, st, body)
	var r struct{ UploadId string }
	require.NoError(d.t, xml.Unmarshal([]byte(body), &r))
	return r.UploadId
}

// Finding 1: a param name that folds to prefix but is not COS's spelling
// of it made the policy see a prefix COS never applies, so the URL listed
// the whole bucket. Now: 400 InvalidParam naming it, on every route.
func TestFinding1PrefixSpeltOtherwise(t *testing.T) {
	d := newCOSDoor(t, reviewEnv(nil))
	d.initiate("alice", "users/alice/mine.png")
	d.initiate("bob", "users/bob/secret.png")

	// As spelt by COS: alice's uploads only.
	a, _ := d.ask("alice", "/presign", `{"key":"/","params":{"uploads":"","prefix":"users/alice/"}}`, nil)
	require.Equal(t, 200, a.status, "%s", a.body)
	st, body := d.presigned(a, nil, nil, nil)
	require.Equal(t, 200, st, body)
	assert.Contains(t, body, "users/alice/mine.png")
	assert.NotContains(t, body, "users/bob/")

	const bent = `PREF\u0130X` // İ (U+0130) lower-cases to i
	cases := []struct {
		name, route, body string
		query             url.Values
	}{
		{"presign", "/presign", `{"key":"/","params":{"uploads":"","` + bent + `":"users/alice/"}}`, nil},
		{"auth (the SDKs' Query)", "/auth", `{"Method":"get","Key":"","Pathname":"/","Query":{"uploads":"","` + bent + `":"users/alice/"}}`, nil},
		{"download redirect", "/download", "", url.Values{"key": {"/"}, "redirect": {"1"}, "params[uploads]": {""}, "params[PREF\u0130X]": {"users/alice/"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := &cosDoor{t: t, f: d.f, web: d.web, fake: d.fake, cl: d.cl}
			a, h := d.ask("alice", c.route, c.body, c.query)
			if a.status == 200 || a.status == 302 {
				// What the service signed, carried out.
				var st int
				var body string
				switch {
				case a.status == 302:
					st, body = d.cos("GET", h.Get("Location"), nil, nil)
				case c.route == "/auth":
					st, body = d.cos("GET", "http://"+testHost+"/?uploads=&PREF%C4%B0X=users%2Falice%2F", map[string]string{"Authorization": a.str("authorization")}, nil)
				default:
					st, body = d.presigned(a, nil, nil, nil)
				}
				assert.NotContains(t, body, "users/bob/secret.png", "the signed listing (%d) shows another user's upload", st)
			}
			assert.Equal(t, 400, a.status, "%s", a.body)
			assert.Equal(t, "InvalidParam", a.code())
			assert.Contains(t, a.message(), `"PREF\u0130X" is not COS's spelling of prefix`)
		})
	}

	// With SIGN_ALLOW_PREFIX_LISTING, the same trick listed every object.
	d = newCOSDoor(t, reviewEnv(map[string]string{"SIGN_ALLOW_PREFIX_LISTING": "true"}))
	d.fake.PutObject(testHost, "users/bob/secret.png", []byte("png"), "image/png")
	a, _ = d.ask("alice", "/presign", `{"key":"/","params":{"`+bent+`":"users/alice/"}}`, nil)
	if a.status == 200 {
		_, body := d.presigned(a, nil, nil, nil)
		assert.NotContains(t, body, "users/bob/secret.png", "the signed listing shows another user's object")
	}
	assert.Equal(t, 400, a.status, "%s", a.body)
	assert.Equal(t, "InvalidParam", a.code())
}

// Finding 2: a signature does not bind a param name's letter case, so a
// part URL re-sent as PARTNUMBER&UPLOADID is a PUT Object to a COS that
// reads names as spelt. Now a part is signed with an allowed Content-Type
// (and its length), so the PUT Object it can become is one the policy
// would sign; the service signs no other spelling of the part params.
func TestFinding2PartURLsStayParts(t *testing.T) {
	d := newCOSDoor(t, reviewEnv(nil))
	id := d.initiate("alice", "users/alice/pic.png")
	script := []byte("<script>alert(1)</script>")
	n := strconv.Itoa(len(script))
	recase := strings.NewReplacer("partNumber=", "PARTNUMBER=", "uploadId=", "UPLOADID=")

	a, _ := d.ask("alice", "/presign", `{"method":"PUT","key":"users/alice/pic.png","params":{"uploadId":"`+id+`","partNumber":"1"},"contentType":"image/png","contentLength":`+n+`}`, nil)
	require.Equal(t, 200, a.status, "%s", a.body)
	st, body := d.presigned(a, recase, map[string]string{"Content-Type": "text/html"}, script)
	assert.Equal(t, 403, st, "the part URL re-sent as a PUT Object of text/html: %s", body)
	if o := d.fake.Object(testHost, "users/alice/pic.png"); o != nil {
		assert.NotEqual(t, "text/html", o.ContentType, "a part URL stored an HTML object")
	}
	// As the policy signed it, it is a part; re-cased, a PUT Object of the
	// signed (allowed) type and length, which the policy would sign too.
	st, body = d.presigned(a, nil, nil, script)
	assert.Equal(t, 200, st, body)
	st, body = d.presigned(a, recase, nil, script)
	assert.Equal(t, 200, st, body)
	assert.Equal(t, "image/png", d.fake.Object(testHost, "users/alice/pic.png").ContentType)

	// A part without a type is refused under the type list.
	a, _ = d.ask("alice", "/presign", `{"method":"PUT","key":"users/alice/pic.png","params":{"uploadId":"`+id+`","partNumber":"2"},"contentLength":`+n+`}`, nil)
	assert.Equal(t, 400, a.status, "%s", a.body)
	assert.Equal(t, "MissingContentType", a.code())

	// The service signs no other spelling of the part params (web door and
	// direct invocation).
	bent := `{"method":"PUT","key":"users/alice/x.png","params":{"UPLOADID":"x","PARTNUMBER":"1"},"headers":{"Content-Type":"text/html"},"contentLength":` + n + `}`
	a, _ = d.ask("alice", "/presign", bent, nil)
	if a.status == 200 {
		d.presigned(a, nil, nil, script)
		if o := d.fake.Object(testHost, "users/alice/x.png"); o != nil {
			assert.NotEqual(t, "text/html", o.ContentType, "the service signed an HTML PUT Object")
		}
	}
	assert.Equal(t, 400, a.status, "%s", a.body)
	assert.Equal(t, "InvalidParam", a.code())
	invoke := withIdentity(t, reviewEnv(nil), "alice")
	_, err := invoke.svc.Invoke(context.Background(), []byte(`{"action":"presign",`+bent[1:]))
	var ie *InvokeError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Equal(t, 400, ie.Status)
	assert.Equal(t, "InvalidParam", ie.Code)
}

// Finding 2, tagging: a PUT ?tagging was signed without the upload
// limits; re-sent as ?TAGGING it is a PUT Object. Now every PUT that is
// not a part is bounded like PUT Object.
func TestFinding2TaggingIsBoundedLikePUT(t *testing.T) {
	d := newCOSDoor(t, reviewEnv(map[string]string{"SIGN_ALLOWED_PARAMS": policy.DefaultParams + ",tagging"}))
	d.fake.PutObject(testHost, "users/alice/t.png", []byte("png"), "image/png")
	script := []byte("<script>alert(1)</script>")
	n := strconv.Itoa(len(script))
	recase := strings.NewReplacer("tagging=", "TAGGING=")

	a, _ := d.ask("alice", "/presign", `{"method":"PUT","key":"users/alice/t.png","params":{"tagging":""},"contentLength":`+n+`}`, nil)
	if a.status == 200 {
		d.presigned(a, recase, map[string]string{"Content-Type": "text/html"}, script)
		assert.Equal(t, "image/png", d.fake.Object(testHost, "users/alice/t.png").ContentType, "a tagging URL stored an HTML object")
	}
	assert.Equal(t, 400, a.status, "%s", a.body)
	assert.Equal(t, "MissingContentType", a.code())

	a, _ = d.ask("alice", "/presign", `{"method":"PUT","key":"users/alice/t.png","params":{"tagging":""},"contentType":"image/png","contentLength":`+n+`}`, nil)
	require.Equal(t, 200, a.status, "%s", a.body)
	st, _ := d.presigned(a, recase, map[string]string{"Content-Type": "text/html"}, script)
	assert.Equal(t, 403, st)
	assert.Equal(t, "image/png", d.fake.Object(testHost, "users/alice/t.png").ContentType)
	a, _ = d.ask("alice", "/presign", `{"method":"PUT","key":"users/alice/t.png","params":{"TAGGING":""},"contentType":"image/png","contentLength":`+n+`}`, nil)
	assert.Equal(t, 400, a.status, "%s", a.body)
	assert.Equal(t, "InvalidParam", a.code())
}

// Finding 2, listings: a ListMultipartUploads URL re-sent as
// Prefix=…&Uploads= is a GET Bucket of the whole bucket to a COS that
// reads names as spelt, and no signature binds a name's case. What stops
// it is the signing credential's CAM policy as docs/security.md's
// checklist grants it: ListMultipartUploads on the configured prefixes,
// no GetBucket without SIGN_ALLOW_PREFIX_LISTING.
func TestFinding2RecasedListingMeetsCAM(t *testing.T) {
	d := newCOSDoor(t, reviewEnv(nil))
	d.fake.PutObject(testHost, "users/bob/secret.png", []byte("png"), "image/png")
	d.fake.Authorize = checklistGrant
	a, _ := d.ask("alice", "/presign", `{"key":"/","params":{"uploads":"","prefix":"users/alice/"}}`, nil)
	require.Equal(t, 200, a.status, "%s", a.body)
	st, _ := d.presigned(a, nil, nil, nil)
	assert.Equal(t, 200, st, "the listing as signed")
	for _, r := range []*strings.Replacer{
		strings.NewReplacer("prefix=", "Prefix=", "uploads=", "Uploads="), // GET Bucket, no prefix
		strings.NewReplacer("prefix=", "Prefix="),                         // ListMultipartUploads, no prefix
	} {
		st, body := d.presigned(a, r, nil, nil)
		assert.Equal(t, 403, st, body)
		assert.NotContains(t, body, "users/bob/")
	}
}

// checklistGrant is the CAM policy docs/security.md's checklist gives the
// signing credential for reviewEnv: the object actions on users/* and
// public/*, ListMultipartUploads there (its resource being the prefix, as
// fakecos reads it), and no GetBucket.
func checklistGrant(a fakecos.Access) bool {
	_, path, _ := strings.Cut(a.Resource, testBucket+"/")
	inside := strings.HasPrefix(path, "users/") || strings.HasPrefix(path, "public/")
	return a.Action != "name/cos:GetBucket" && inside
}

// Finding 3: a rename moves its source, so the source needs GET and
// DELETE there; a copy takes its source's size and type, so under the
// upload limits it needs SIGN_ALLOW_COPIES_PAST_LIMITS.
func TestFinding3SourcesByWhatTheOperationDoes(t *testing.T) {
	env := reviewEnv(map[string]string{
		"SIGN_ALLOWED_HEADERS":    policy.DefaultHeaders + ",x-cos-rename-source,x-cos-copy-source",
		"SIGN_ALLOWED_PARAMS":     policy.DefaultParams + ",rename",
		"SIGN_MAX_CONTENT_LENGTH": "10",
	})
	d := newCOSDoor(t, env)
	d.fake.PutObject(testHost, "public/report.png", []byte("public report"), "image/png")
	d.fake.PutObject(testHost, "users/alice/old.png", []byte("old"), "image/png")

	rename := func(src, dst string) answer {
		a, _ := d.ask("alice", "/presign", `{"method":"PUT","key":"`+dst+`","params":{"rename":""},"headers":{"x-cos-rename-source":"/`+src+`"},"contentType":"image/png","contentLength":0}`, nil)
		if a.status == 200 {
			d.presigned(a, nil, nil, nil)
		}
		return a
	}
	a := rename("public/report.png", "users/alice/report.png")
	assert.NotNil(t, d.fake.Object(testHost, "public/report.png"), "a rename moved an object out of read-only public/")
	assert.Equal(t, 403, a.status, "%s", a.body)
	assert.Equal(t, "CopySourceNotAllowed", a.code())
	assert.Contains(t, a.message(), "GET and DELETE")

	a = rename("users/alice/old.png", "users/alice/new.png")
	require.Equal(t, 200, a.status, "%s", a.body)
	assert.Nil(t, d.fake.Object(testHost, "users/alice/old.png"))
	assert.NotNil(t, d.fake.Object(testHost, "users/alice/new.png"), "a rename in the caller's folder")

	// A copy signed with Content-Length: 0 took the source's 13 bytes.
	cp := `{"method":"PUT","key":"users/alice/copy.png","headers":{"x-cos-copy-source":"` + testHost + `/public/report.png"},"contentType":"image/png","contentLength":0}`
	a, _ = d.ask("alice", "/presign", cp, nil)
	if a.status == 200 {
		d.presigned(a, nil, nil, nil)
		if o := d.fake.Object(testHost, "users/alice/copy.png"); o != nil {
			assert.LessOrEqual(t, len(o.Data), 10, "a copy escaped SIGN_MAX_CONTENT_LENGTH")
		}
	}
	assert.Equal(t, 403, a.status, "%s", a.body)
	assert.Equal(t, "CopyNotAllowed", a.code())
	assert.Contains(t, a.message(), "SIGN_ALLOW_COPIES_PAST_LIMITS=true")

	env["SIGN_ALLOW_COPIES_PAST_LIMITS"] = "true"
	d = newCOSDoor(t, env)
	d.fake.PutObject(testHost, "public/report.png", []byte("public report"), "image/png")
	a, _ = d.ask("alice", "/presign", cp, nil)
	require.Equal(t, 200, a.status, "%s", a.body)
	st, body := d.presigned(a, nil, nil, nil)
	assert.Equal(t, 200, st, body)
	assert.Equal(t, "public report", string(d.fake.Object(testHost, "users/alice/copy.png").Data), "the deployer's opt-in")
}

// reservedNames are the names the fuzz target draws variants of: COS's
// operation and listing params the policy decides on.
var reservedNames = []string{"uploads", "uploadId", "partNumber", "prefix", "tagging", "acl", "rename", "delimiter", "max-uploads",
	"key-marker", "marker", "versionId", "response-content-type", "x-cos-security-token"}

// fuzzValue is a value that makes the param mean something to the fake:
// the upload id for any spelling of uploadId, a part number, alice's
// folder as a prefix.
func fuzzValue(name, uploadID string) string {
	switch strings.ToLower(name) {
	case "uploadid":
		return uploadID
	case "partnumber":
		return "1"
	case "prefix":
		return "users/alice/"
	case "max-uploads":
		return "10"
	case "response-content-type":
		return "image/png"
	}
	return ""
}

// recaseQuery changes the letter case of the params' names in a signed
// URL's query (the signature's own aside), two bits of mode a name: as
// signed, upper, lower, or the first letter flipped. The signature, over
// lower-cased names, holds for any of them.
func recaseQuery(u string, mode uint16) string {
	base, query, _ := strings.Cut(u, "?")
	pairs := strings.Split(query, "&")
	for i, p := range pairs {
		name, v, _ := strings.Cut(p, "=")
		if strings.HasPrefix(name, "q-") {
			continue
		}
		switch mode >> (2 * (i % 8)) & 3 {
		case 1:
			name = strings.ToUpper(name)
		case 2:
			name = strings.ToLower(name)
		case 3:
			if c := name[0]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				name = string(c^0x20) + name[1:]
			}
		}
		pairs[i] = name + "=" + v
	}
	return base + "?" + strings.Join(pairs, "&")
}

// FuzzSignedParamNames draws param names from open-ended Unicode and the
// letter-case variants of COS's names, signs them through the service for
// alice, re-sends what was signed to the fake with its param names in
// another case (which the signature does not bind), and checks that the
// fake carried out only what the policy allows alice: writes in
// users/alice/ only, reads there and in public/, a listing of her folder or
// public/ only, and no stored object of a type SIGN_ALLOWED_CONTENT_TYPES
// refuses. The fake reads names as spelt; the signing credential holds the
// checklist's CAM grant (checklistGrant). Seeds run in make test.
func FuzzSignedParamNames(f *testing.F) {
	door := newFuzzDoor(f)
	for _, s := range []struct {
		name1, name2       string
		shape, method, key uint8
		mode               uint16
	}{
		{"PREF\u0130X", "uploads", 0, 0, 0, 0},
		{"Prefix", "uploads", 0, 0, 0, 0},
		{"prefix", "uploads", 0, 0, 0, 0b0101},
		{"prefix", "uploads", 0, 0, 0, 0b1010},
		{"UPLOADID", "PARTNUMBER", 0, 1, 1, 0},
		{"uploadId", "partNumber", 0, 1, 1, 0b0101},
		{"uploadId", "partNumber", 0, 1, 1, 0b1111},
		{"upload\u0130d", "partNumber", 0, 1, 1, 0},
		{"tagging", "", 0, 1, 1, 0b01},
		{"TAGGING", "", 0, 1, 1, 0},
		{"acl", "", 0, 1, 1, 0b11},
		{"rename", "", 0, 1, 2, 0b01},
		{"uploads", "", 0, 2, 1, 0b01},
		{"uploadId", "", 0, 2, 1, 0b01},
		{"uploadId", "", 0, 3, 1, 0b01},
		{"uploadId", "", 0, 0, 2, 0b01},
		{"pre\ufb01x", "uploads", 0, 0, 0, 0},
		{"\u212Aey-marker", "prefix", 1, 0, 0, 0},
		{"response-content-type", "", 0, 0, 2, 0b01},
		{"x-cos-security-token", "", 0, 0, 2, 0b01},
		{"", "", 2, 1, 1, 0b0101},
		{"", "", 3, 0, 0, 0b1001},
		{"", "", 1, 0, 0, 0b01},
		{"max-uploads", "uploads", 1, 0, 0, 0b100101},
	} {
		f.Add(s.name1, s.name2, s.shape, s.method, s.key, s.mode)
	}
	for i, n := range reservedNames {
		f.Add(strings.ToUpper(n), "", uint8(i), uint8(i), uint8(i), uint16(0))
		f.Add(n, "", uint8(i), uint8(i+1), uint8(i+1), uint16(0b0101010101))
	}
	f.Fuzz(func(t *testing.T, name1, name2 string, shape, method, key uint8, mode uint16) {
		door.check(t, name1, name2, shape, method, key, mode)
	})
}

// fuzzDoor is the review's configuration with any param name allowed
// (SIGN_ALLOWED_PARAMS=*, tagging and acl by name) beside a fake holding
// an upload of alice's, her object, bob's and a public one.
type fuzzDoor struct {
	f        *fixture
	fake     *fakecos.Server
	cl       *http.Client
	uploadID string
}

var (
	fuzzMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}
	fuzzKeys    = []string{"/", "users/alice/a.png", "public/a.png", "users/bob/a.png"}
	// fuzzShapes are params a request starts from, before the drawn names.
	fuzzShapes = []map[string]string{nil, {"uploads": "", "prefix": "users/alice/"}, {"uploadId": "", "partNumber": "1"}, {"prefix": "public/", "uploads": ""}}
)

func newFuzzDoor(tb testing.TB) *fuzzDoor {
	f := withIdentity(tb, reviewEnv(map[string]string{"SIGN_ALLOWED_PARAMS": "*,tagging,acl", "SIGN_MAX_CONTENT_LENGTH": "64"}), "alice")
	fake := fakecos.New(fakecos.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	fake.Now = func() time.Time { return testNow }
	// A re-cased listing is bounded by no signature, only by the signing
	// credential's CAM policy: TestFinding2RecasedListingMeetsCAM.
	fake.Authorize = checklistGrant
	tb.Cleanup(fake.Close)
	proxy, _ := url.Parse(fake.URL)
	d := &fuzzDoor{f: f, fake: fake, cl: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 10 * time.Second}}
	a := f.post("/presign", `{"method":"POST","key":"users/alice/a.png","params":{"uploads":""},"contentType":"image/png"}`)
	require.Equal(tb, 200, a.status, "%s", a.body)
	_, body := d.send(a, a.str("url"), nil)
	var r struct{ UploadId string }
	require.NoError(tb, xml.Unmarshal([]byte(body), &r))
	d.uploadID = r.UploadId
	return d
}

func (d *fuzzDoor) send(a answer, u string, body []byte) (int, string) {
	req, err := http.NewRequest(a.str("method"), u, bytes.NewReader(body))
	if err != nil {
		return 0, ""
	}
	for k, v := range strMap(a.obj["headers"]) {
		if !strings.EqualFold(k, "Content-Length") {
			req.Header.Set(k, v)
		}
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "text/html") // unsigned: the holder's choice
	}
	resp, err := d.cl.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (d *fuzzDoor) check(t *testing.T, name1, name2 string, shape, method, key uint8, mode uint16) {
	for _, k := range []string{"users/alice/a.png", "public/a.png", "users/bob/a.png"} {
		d.fake.PutObject(testHost, k, []byte("png"), "image/png")
	}
	params := map[string]string{}
	for k, v := range fuzzShapes[int(shape)%len(fuzzShapes)] {
		params[k] = v
	}
	if _, ok := params["uploadId"]; ok {
		params["uploadId"] = d.uploadID
	}
	for _, n := range []string{name1, name2} {
		if n != "" {
			params[n] = fuzzValue(n, d.uploadID)
		}
	}
	script := []byte("<script>alert(1)</script>")
	req := map[string]any{"method": fuzzMethods[int(method)%len(fuzzMethods)], "key": fuzzKeys[int(key)%len(fuzzKeys)], "params": params}
	if req["method"] == "PUT" || req["method"] == "POST" {
		req["contentType"], req["contentLength"] = "image/png", len(script)
	}
	b, _ := json.Marshal(req)
	resp := d.f.svc.Serve(context.Background(), &Request{Method: "POST", Path: "/presign", Body: b, Header: map[string]string{"content-type": "application/json"}})
	a := answer{status: resp.Status, body: resp.Body}
	if err := json.Unmarshal(resp.Body, &a.obj); err != nil {
		t.Fatalf("%s: answer %s", b, resp.Body)
	}
	if a.status != 200 {
		if a.status >= 500 {
			t.Fatalf("%s: %d %s", b, a.status, a.body)
		}
		return
	}
	_, n := d.fake.Last()
	st, _ := d.send(a, recaseQuery(a.str("url"), mode), script)
	e, m := d.fake.Last()
	if m == n || st == 0 {
		t.Fatalf("%s: the fake saw nothing", b)
	}
	if err := allowedForAlice(e, d.fake, d.f.cfg.AllowedContentTypes.Allows); err != nil {
		t.Fatalf("%s signed as %s, re-sent as %s: %v", b, a.str("url"), e.Query, err)
	}
}

// allowedForAlice says what is wrong with a request the fake carried out,
// for alice under reviewEnv's prefixes.
func allowedForAlice(e fakecos.Entry, fake *fakecos.Server, typeAllowed func(string) bool) error {
	if e.Status >= 300 {
		return nil
	}
	q, _ := url.ParseQuery(strings.ReplaceAll(e.Query, ";", "%3B"))
	action := fakecos.ActionOf(e.Method, e.Key, q)
	mine, public := strings.HasPrefix(e.Key, "users/alice/"), strings.HasPrefix(e.Key, "public/")
	switch action {
	case "name/cos:ListMultipartUploads":
		if p := q.Get("prefix"); !strings.HasPrefix(p, "users/alice/") && !strings.HasPrefix(p, "public/") {
			return fmt.Errorf("%s of prefix %q", action, p)
		}
	case "name/cos:GetBucket":
		return fmt.Errorf("%s (prefix %q): listing objects is off", action, q.Get("prefix"))
	case "name/cos:GetObject", "name/cos:HeadObject", "name/cos:ListParts":
		if !mine && !public {
			return fmt.Errorf("%s of %s", action, e.Key)
		}
	case "":
		return fmt.Errorf("%s %s?%s: no action, yet %d", e.Method, e.Key, e.Query, e.Status)
	default:
		if !mine {
			return fmt.Errorf("%s of %s", action, e.Key)
		}
	}
	if o := fake.Object(testHost, e.Key); o != nil && !typeAllowed(o.ContentType) {
		return fmt.Errorf("%s stored %s as %q", action, e.Key, o.ContentType)
	}
	return nil
}
