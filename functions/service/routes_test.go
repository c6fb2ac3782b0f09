package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPresignPOSTAndGET(t *testing.T) {
	f := newFixture(t, nil)
	a := f.post("/presign", `{"key":"docs/a b+c.txt","method":"get","expired":600}`)
	verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "docs/a b+c.txt"})
	assert.Equal(t, testNow.Unix()-60, a.num("startTime"))
	assert.Equal(t, testNow.Unix()+600, a.num("expiredTime"))
	assert.Equal(t, testNow.Unix(), a.num("serverTime"))
	assert.Equal(t, "application/json; charset=utf-8", a.header["Content-Type"])
	assert.Equal(t, "no-store", a.header["Cache-Control"])

	g := f.get("/presign", url.Values{"key": {"/docs/x.pdf"}, "method": {"HEAD"}, "expired": {"60"}, "params[versionId]": {"v1"}})
	verifyPresigned(t, g, "", signer.Request{Method: "HEAD", Key: "docs/x.pdf", Params: map[string]string{"versionId": "v1"}})
	assert.Equal(t, testNow.Unix()+60, g.num("expiredTime"))

	// Default method GET and default expiry 300.
	d := f.post("/presign", `{"key":"k"}`)
	verifyPresigned(t, d, "", signer.Request{Method: "GET", Key: "k"})
	assert.Equal(t, testNow.Unix()+300, d.num("expiredTime"))
}

func TestPresignHeadersAndParams(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	a := f.post("/presign", `{"key":"up/a.png","method":"PUT","headers":{"Content-Type":"image/png","x-cos-meta-author":"me","Content-Length":123},"params":{"partNumber":1,"uploadId":"abc"}}`)
	verifyPresigned(t, a, "", signer.Request{Method: "PUT", Key: "up/a.png",
		Headers: map[string]string{"Content-Type": "image/png", "x-cos-meta-author": "me", "Content-Length": "123"},
		Params:  map[string]string{"partNumber": "1", "uploadId": "abc"}})
}

func TestDownloadRoutes(t *testing.T) {
	f := newFixture(t, nil)
	g := f.get("/download", url.Values{"key": {"public/report.pdf"}, "response-content-disposition": {"attachment; filename=r.pdf"}})
	verifyPresigned(t, g, "", signer.Request{Method: "GET", Key: "public/report.pdf", Params: map[string]string{"response-content-disposition": "attachment; filename=r.pdf"}})

	p := f.post("/download", `{"key":"public/report.pdf","params":{"response-content-type":"application/pdf"}}`)
	verifyPresigned(t, p, "", signer.Request{Method: "GET", Key: "public/report.pdf", Params: map[string]string{"response-content-type": "application/pdf"}})

	bad := f.post("/download", `{"key":"a","method":"PUT"}`)
	assert.Equal(t, 400, bad.status)
	assert.Equal(t, "InvalidMethod", bad.code())
}

func TestDownloadRedirect(t *testing.T) {
	f := newFixture(t, nil)
	for _, r := range []*Request{
		{Method: "GET", Path: "/download", Query: url.Values{"key": {"a.txt"}, "redirect": {"1"}}},
		{Method: "POST", Path: "/download", Body: []byte(`{"key":"a.txt","redirect":true}`)},
		{Method: "POST", Path: "/download", Query: url.Values{"redirect": {"1"}}, Body: []byte(`{"key":"a.txt"}`)},
	} {
		resp := f.svc.Serve(context.Background(), r)
		require.Equal(t, http.StatusFound, resp.Status)
		loc := resp.Header["Location"]
		want, err := refSigner(t, "").PresignDownloadURL(&signer.Request{Bucket: testBucket, Key: "a.txt", Window: signer.Window{Start: testNow.Unix() - 60, End: testNow.Unix() + 300}})
		require.NoError(t, err)
		assert.Equal(t, want.URL, loc)
		assert.Empty(t, resp.Body)
	}
}

func TestAuthRoute(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	a := f.post("/auth", `{"method":"PUT","key":"/photos/cat.jpg","headers":{"Content-Type":"image/jpeg","x-cos-storage-class":"STANDARD_IA"}}`)
	verifyAuth(t, a, "", signer.Request{Method: "PUT", Key: "photos/cat.jpg", Headers: map[string]string{"Content-Type": "image/jpeg", "x-cos-storage-class": "STANDARD_IA"}})
	assert.Equal(t, testHost, a.str("host"))
	assert.Equal(t, a.str("authorization"), a.str("Authorization"))
	assert.NotContains(t, a.obj, "securityToken", "permanent keys carry no token")

	resp := f.svc.Serve(context.Background(), &Request{Method: "GET", Path: "/auth"})
	assert.Equal(t, 405, resp.Status)
	assert.Equal(t, "POST, OPTIONS", resp.Header["Allow"])
}

func TestPostPolicyRoute(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	a := f.post("/post-policy", `{"key":"uploads/a.jpg","successActionStatus":200,"contentLength":5000}`)
	fields := verifyPolicy(t, a, "")
	assert.Contains(t, a.str("policy"), `["content-length-range",0,5000]`, "the caller's size is the bound")
	assert.Equal(t, "uploads/a.jpg", fields["key"])
	assert.Equal(t, "200", fields["success_action_status"])
	assert.Equal(t, "https://"+testHost+"/", a.str("url"))
	assert.Equal(t, testHost, a.str("cosHost"))
	assert.Equal(t, "uploads/a.jpg", a.str("cosKey"))
	assert.Equal(t, fields["q-signature"], a.str("qSignature"))
	assert.Equal(t, fields["q-ak"], a.str("qAk"))
	assert.Equal(t, fields["q-key-time"], a.str("qKeyTime"))
	assert.Equal(t, "sha1", a.str("qSignAlgorithm"))
	assert.Equal(t, fields["policy"], a.str("policyBase64"))
	var pol struct {
		Conditions []any `json:"conditions"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.str("policy")), &pol))
	assert.Contains(t, pol.Conditions, map[string]any{"key": "uploads/a.jpg"})
	assert.Contains(t, pol.Conditions, map[string]any{"bucket": testBucket})

	// The mini-program demo's GET form with a server-chosen key.
	g := f.get("/post-policy", url.Values{"ext": {"png"}, "contentLength": {"2048"}})
	verifyPolicy(t, g, "")
	assert.Regexp(t, `^[0-9a-f]{32}\.png$`, g.str("key"))
}

// TestPostPolicyAlwaysBindsASize: a form policy without a
// content-length-range lets its holder upload any size until it expires.
// The bound is SIGN_MAX_CONTENT_LENGTH, or the caller's contentLength
// (the smaller of the two when both are given); with neither, a 400.
func TestPostPolicyAlwaysBindsASize(t *testing.T) {
	open := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	none := open.post("/post-policy", `{"ext":"jpg","contentType":"image/jpeg"}`)
	assert.Equal(t, 400, none.status, "%s", none.body)
	assert.Equal(t, "MissingContentLength", none.code())
	assert.Contains(t, none.message(), "contentLength")
	assert.Contains(t, none.message(), "SIGN_MAX_CONTENT_LENGTH")
	empty := open.post("/post-policy", `{"key":"e.txt","contentLength":0}`)
	verifyPolicy(t, empty, "")
	assert.Contains(t, empty.str("policy"), `["content-length-range",0,1]`, "an empty file still gets a bound")

	limited := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_MAX_CONTENT_LENGTH": "10485760"})
	byConfig := limited.post("/post-policy", `{"ext":"jpg","contentType":"image/jpeg"}`)
	verifyPolicy(t, byConfig, "")
	assert.Contains(t, byConfig.str("policy"), `["content-length-range",0,10485760]`)
	smaller := limited.post("/post-policy", `{"ext":"jpg","contentLength":300}`)
	assert.Contains(t, smaller.str("policy"), `["content-length-range",0,300]`)
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, nil)
	a := f.get("/healthz", nil)
	require.Equal(t, 200, a.status)
	assert.Equal(t, map[string]any{"status": "ok", "version": "1.2.3"}, a.obj)
	assert.Equal(t, 200, f.get("/release/healthz", nil).status)
	p := f.post("/healthz", `{}`)
	assert.Equal(t, 405, p.status)
	assert.Equal(t, "GET, HEAD, OPTIONS", p.header["Allow"])
}

func TestStagePrefixes(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/release/presign", "/prod/sign/presign", "/presign/", "/a/b/c/PRESIGN"} {
		a := f.post(path, `{"key":"k.txt"}`)
		verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "k.txt"})
	}
	a := f.post("/release/auth", `{"key":"k.txt"}`)
	verifyAuth(t, a, "", signer.Request{Method: "GET", Key: "k.txt"})
}

func TestActionRouting(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/", "", "/my-signing-function", "/release/"} {
		a := f.post(path, `{"action":"presign","key":"k.txt"}`)
		verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "k.txt"})
		d := f.post(path, `{"action":"download","key":"k.txt"}`)
		verifyPresigned(t, d, "", signer.Request{Method: "GET", Key: "k.txt"})
		au := f.post(path, `{"action":"auth","key":"k.txt"}`)
		verifyAuth(t, au, "", signer.Request{Method: "GET", Key: "k.txt"})
	}
	q := f.get("/", url.Values{"action": {"download"}, "key": {"k.txt"}})
	verifyPresigned(t, q, "", signer.Request{Method: "GET", Key: "k.txt"})
	h := f.post("/", `{"action":"healthz"}`)
	assert.Equal(t, 200, h.status)

	none := f.post("/", `{"key":"k.txt"}`)
	assert.Equal(t, 404, none.status)
	assert.Equal(t, "UnknownRoute", none.code())
	unknown := f.post("/", `{"action":"list-bucket"}`)
	assert.Equal(t, 404, unknown.status)
	assert.Equal(t, "UnknownRoute", unknown.code())
	mismatch := f.post("/presign", `{"action":"auth","key":"k"}`)
	assert.Equal(t, 400, mismatch.status)
	assert.Equal(t, "ActionMismatch", mismatch.code())
	batchGet := f.get("/", url.Values{"action": {"batch"}})
	assert.Equal(t, 405, batchGet.status)
}

func TestBatchMixed(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_KEY_PREFIXES": "uploads/"})
	a := f.post("/batch", `{"method":"PUT","key":"uploads/v.mp4","requests":[
		{"params":{"partNumber":1,"uploadId":"U1"}},
		{"params":{"partNumber":2,"uploadId":"U1"}},
		{"key":"private/x"},
		{"key":"../x"},
		"not an object",
		{"action":"auth","method":"POST","params":{"uploadId":"U1"}},
		{"action":"download","method":"","key":"uploads/done.txt"},
		{"action":"batch"},
		{"expired":99999}
	]}`)
	require.Equal(t, 200, a.status, "%s", a.body)
	results := a.obj["results"].([]any)
	require.Len(t, results, 9)
	entry := func(i int) answer {
		m := results[i].(map[string]any)
		return answer{status: 200, obj: m}
	}
	for i, n := range []string{"1", "2"} {
		e := entry(i)
		verifyPresigned(t, e, "", signer.Request{Method: "PUT", Key: "uploads/v.mp4", Params: map[string]string{"partNumber": n, "uploadId": "U1"}})
	}
	wantErr := map[int][2]any{2: {"KeyNotAllowed", 403.0}, 3: {"InvalidKey", 400.0}, 4: {"InvalidJSON", 400.0}, 7: {"UnknownAction", 400.0}, 8: {"InvalidExpired", 400.0}}
	for i, w := range wantErr {
		e := entry(i)
		assert.Equal(t, w[0], e.code(), "entry %d", i)
		assert.Equal(t, w[1], e.obj["error"].(map[string]any)["status"], "entry %d", i)
	}
	verifyAuth(t, entry(5), "", signer.Request{Method: "POST", Key: "uploads/v.mp4", Params: map[string]string{"uploadId": "U1"}})
	verifyPresigned(t, entry(6), "", signer.Request{Method: "GET", Key: "uploads/done.txt"})
	assert.Equal(t, testNow.Unix(), a.num("serverTime"))
	assert.Contains(t, f.log.String(), `"entries":9,"refusedEntries":5`)
}

func TestBatchLimits(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_MAX_BATCH": "3"})
	over := f.post("/batch", `{"requests":[{"key":"a"},{"key":"b"},{"key":"c"},{"key":"d"}]}`)
	assert.Equal(t, 400, over.status)
	assert.Equal(t, "BatchTooLarge", over.code())
	assert.Contains(t, over.message(), "3")
	for _, body := range []string{`{}`, `{"requests":[]}`} {
		a := f.post("/batch", body)
		assert.Equal(t, 400, a.status, body)
		assert.Equal(t, "MissingRequests", a.code(), body)
	}
	wrong := f.post("/batch", `{"requests":{"key":"a"}}`)
	assert.Equal(t, "InvalidField", wrong.code())
	assert.Contains(t, wrong.message(), "requests")
	ok := f.post("/batch", `{"requests":[{"key":"a"},{"key":"b"},{"key":"c"}]}`)
	assert.Equal(t, 200, ok.status)
}

func TestServeHTTP(t *testing.T) {
	f := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com"})
	req := httptest.NewRequest("POST", "/release/presign", strings.NewReader(`{"key":"k.txt"}`))
	req.Header.Set("Origin", "https://app.example.com")
	rec := httptest.NewRecorder()
	f.svc.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	a := answer{status: rec.Code, body: body}
	require.NoError(t, json.Unmarshal(body, &a.obj))
	verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "k.txt"})
	assert.Equal(t, "https://app.example.com", rec.Header().Get("Access-Control-Allow-Origin"))

	big := httptest.NewRequest("POST", "/presign", strings.NewReader(`{"key":"`+strings.Repeat("a", 70000)+`"}`))
	rec = httptest.NewRecorder()
	f.svc.ServeHTTP(rec, big)
	assert.Equal(t, 413, rec.Code)

	idReq := httptest.NewRequest("GET", "/healthz", nil)
	idReq.Header.Set("X-Request-Id", "abc-123")
	rec = httptest.NewRecorder()
	f.svc.ServeHTTP(rec, idReq)
	assert.Equal(t, "abc-123", rec.Header().Get("X-Request-Id"))
	idReq.Header.Set("X-Request-Id", "evil id\"")
	rec = httptest.NewRecorder()
	f.svc.ServeHTTP(rec, idReq)
	assert.NotEqual(t, "evil id\"", rec.Header().Get("X-Request-Id"))
	assert.NotEmpty(t, rec.Header().Get("X-Request-Id"))

	g := httptest.NewRequest("GET", "/download?key=a.txt&redirect=1", nil)
	rec = httptest.NewRecorder()
	f.svc.ServeHTTP(rec, g)
	assert.Equal(t, 302, rec.Code)
	assert.True(t, strings.HasPrefix(rec.Header().Get("Location"), "https://"+testHost+"/a.txt?"))
}

func TestInvoke(t *testing.T) {
	f := newFixture(t, nil)
	// A direct invocation never redirects: the answer object comes back.
	dl, err := f.svc.Invoke(context.Background(), []byte(`{"action":"download","key":"k.txt","redirect":1}`))
	require.NoError(t, err)
	assert.Contains(t, string(dl), `"url":"https://`)

	raw, err := f.svc.Invoke(context.Background(), []byte(`{"action":"presign","key":"k.txt","expired":120}`))
	require.NoError(t, err)
	a := answer{status: 200}
	require.NoError(t, json.Unmarshal(raw, &a.obj))
	verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "k.txt"})

	for _, c := range []struct {
		event  string
		status int
		code   string
	}{
		{`{"action":"presign","key":"../x"}`, 400, "InvalidKey"},
		{`{"action":"presign","key":"k","expired":99999}`, 400, "InvalidExpired"},
		{`{"action":"presign","key":"k","method":"DELETE"}`, 403, "MethodNotAllowed"},
		{`{"key":"k"}`, 400, "MissingAction"},
		{`{"action":"list"}`, 404, "UnknownRoute"},
		{`{"action":`, 400, "InvalidJSON"},
		{`[1,2]`, 400, "InvalidJSON"},
		{`{"action":"presign","key":"` + strings.Repeat("a", 70000) + `"}`, 413, "BodyTooLarge"},
	} {
		_, err := f.svc.Invoke(context.Background(), []byte(c.event))
		var ie *InvokeError
		require.True(t, errors.As(err, &ie), "%.60s: %v", c.event, err)
		assert.Equal(t, c.status, ie.Status, c.event)
		assert.Equal(t, c.code, ie.Code, c.event)
		assert.NotEmpty(t, ie.Message)
		assert.NotEmpty(t, ie.RequestID)
		assert.Equal(t, ie.Code+": "+ie.Message, ie.Error())
	}
}

func TestUnauthorized(t *testing.T) {
	f := newFixture(t, nil)
	f.cfg.Auth = stubAuth{err: &auth.Error{Reason: "the bearer token has expired"}}
	f = newFixtureCfg(t, f.cfg)
	a := f.post("/presign", `{"key":"k"}`)
	assert.Equal(t, 401, a.status)
	assert.Equal(t, "Unauthorized", a.code())
	assert.Equal(t, "the bearer token has expired", a.message())
	assert.Equal(t, 200, f.get("/healthz", nil).status, "healthz needs no credentials")
}

func TestPanicBecomes500(t *testing.T) {
	f := newFixture(t, nil)
	f.cfg.Auth = stubAuth{panic: true}
	f = newFixtureCfg(t, f.cfg)
	a := f.post("/presign", `{"key":"k"}`)
	assert.Equal(t, 500, a.status)
	assert.Equal(t, "InternalError", a.code())
	assert.Contains(t, f.log.String(), `"level":"ERROR"`)
}

func TestNotConfigured(t *testing.T) {
	f := newFixture(t, map[string]string{"COS_SECRET_ID": "", "COS_SECRET_KEY": ""})
	for _, path := range []string{"/auth", "/presign", "/download", "/post-policy", "/batch"} {
		a := f.post(path, `{"key":"k","requests":[{"key":"k"}]}`)
		assert.Equal(t, 503, a.status, path)
		assert.Equal(t, "ServiceNotConfigured", a.code(), path)
		assert.Contains(t, a.message(), "COS_SECRET_ID")
		assert.Contains(t, a.message(), "COS_SECRET_KEY")
	}
	h := f.get("/healthz", nil)
	assert.Equal(t, 503, h.status, "healthz says what signing lacks")
	assert.Contains(t, h.message(), "COS_SECRET_ID")

	half := newFixture(t, map[string]string{"COS_SECRET_KEY": ""})
	a := half.post("/presign", `{"key":"k"}`)
	assert.Equal(t, 503, a.status)
	assert.Contains(t, a.message(), "COS_SECRET_KEY")
	assert.NotContains(t, a.message(), testSecretID)
}

func TestTencentCloudFallbackCredentials(t *testing.T) {
	f := newFixture(t, map[string]string{"COS_SECRET_ID": "", "COS_SECRET_KEY": "",
		"TENCENTCLOUD_SECRETID": testSecretID, "TENCENTCLOUD_SECRETKEY": testSecretKey, "TENCENTCLOUD_SESSIONTOKEN": testToken})
	a := f.post("/presign", `{"key":"k"}`)
	verifyPresigned(t, a, testToken, signer.Request{Method: "GET", Key: "k"})
}

func TestSessionToken(t *testing.T) {
	f := newFixture(t, map[string]string{"COS_SESSION_TOKEN": testToken, "SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	p := f.post("/presign", `{"key":"k"}`)
	verifyPresigned(t, p, testToken, signer.Request{Method: "GET", Key: "k"})
	u, err := url.Parse(p.str("url"))
	require.NoError(t, err)
	assert.Equal(t, testToken, u.Query().Get("x-cos-security-token"))
	assert.Contains(t, u.Query().Get("q-url-param-list"), "x-cos-security-token")

	// /auth signs only what was asked, as with permanent keys, and returns
	// the token for the client to send unsigned: as a header, or as a query
	// parameter when the SDK puts the Authorization in a URL (getObjectUrl).
	a := f.post("/auth", `{"key":"k","method":"PUT","headers":{"Content-Type":"text/plain"}}`)
	verifyAuth(t, a, "", signer.Request{Method: "PUT", Key: "k", Headers: map[string]string{"Content-Type": "text/plain"}})
	assert.Equal(t, testToken, a.str("securityToken"))
	assert.Equal(t, testToken, a.str("SecurityToken"))
	assert.Equal(t, testToken, a.str("XCosSecurityToken"))
	assert.Equal(t, map[string]string{"Content-Type": "text/plain"}, strMap(a.obj["headers"]), "headers the signature needs, no token")
	assert.NotContains(t, a.str("authorization"), "x-cos-security-token")

	pp := f.post("/post-policy", `{"key":"k.jpg","contentLength":2048}`)
	fields := verifyPolicy(t, pp, testToken)
	assert.Equal(t, testToken, fields["x-cos-security-token"])
	assert.Equal(t, testToken, pp.str("securityToken"))

	// A caller repeating the service's own token is fine; another is not.
	same := f.post("/auth", `{"key":"k","headers":{"x-cos-security-token":"`+testToken+`"}}`)
	assert.Equal(t, 200, same.status)
	assert.Contains(t, same.str("authorization"), "x-cos-security-token", "signed because the caller asked")
	other := f.post("/auth", `{"key":"k","headers":{"x-cos-security-token":"forged"}}`)
	assert.Equal(t, 400, other.status)
	assert.NotContains(t, string(other.body), testToken)
}

func TestCORS(t *testing.T) {
	f := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com, https://admin.example.com"})
	listed := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"k"}`), Header: map[string]string{"origin": "https://admin.example.com"}})
	assert.Equal(t, "https://admin.example.com", listed.header["Access-Control-Allow-Origin"])
	assert.Equal(t, "Origin", listed.header["Vary"])

	other := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"k"}`), Header: map[string]string{"origin": "https://evil.example.com"}})
	assert.NotContains(t, other.header, "Access-Control-Allow-Origin")

	pre := f.serve(&Request{Method: "OPTIONS", Path: "/release/auth", Header: map[string]string{"origin": "https://app.example.com", "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization"}})
	assert.Equal(t, 204, pre.status)
	assert.Empty(t, pre.body)
	assert.Equal(t, "https://app.example.com", pre.header["Access-Control-Allow-Origin"])
	assert.Contains(t, pre.header["Access-Control-Allow-Methods"], "POST")
	assert.Contains(t, pre.header["Access-Control-Allow-Headers"], "Authorization")
	assert.Contains(t, pre.header["Access-Control-Allow-Headers"], "Content-Type")

	preEvil := f.serve(&Request{Method: "OPTIONS", Path: "/auth", Header: map[string]string{"origin": "https://evil.example.com"}})
	assert.Equal(t, 204, preEvil.status)
	assert.NotContains(t, preEvil.header, "Access-Control-Allow-Origin")
	assert.NotContains(t, preEvil.header, "Access-Control-Allow-Methods")

	// Errors carry CORS headers too, so a browser can read them.
	e := f.serve(&Request{Method: "POST", Path: "/nope", Header: map[string]string{"origin": "https://app.example.com"}})
	assert.Equal(t, 404, e.status)
	assert.Equal(t, "https://app.example.com", e.header["Access-Control-Allow-Origin"])

	star := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "*"})
	s := star.serve(&Request{Method: "OPTIONS", Path: "/presign", Header: map[string]string{"origin": "https://anything.example"}})
	assert.Equal(t, "https://anything.example", s.header["Access-Control-Allow-Origin"])
	crlf := star.serve(&Request{Method: "GET", Path: "/healthz", Header: map[string]string{"origin": "https://a.example\r\nSet-Cookie: x=y"}})
	assert.NotContains(t, crlf.header, "Access-Control-Allow-Origin", "a malformed origin is never reflected")

	none := newFixture(t, nil)
	n := none.serve(&Request{Method: "GET", Path: "/healthz", Header: map[string]string{"origin": "https://app.example.com"}})
	assert.NotContains(t, n.header, "Access-Control-Allow-Origin")
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, map[string]string{"COS_SESSION_TOKEN": testToken})
	done := make(chan answer, 16)
	for i := 0; i < 16; i++ {
		go func() {
			resp := f.svc.Serve(context.Background(), &Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"k.txt"}`)})
			a := answer{status: resp.Status, body: resp.Body}
			_ = json.Unmarshal(resp.Body, &a.obj)
			done <- a
		}()
	}
	ids := map[string]bool{}
	for i := 0; i < 16; i++ {
		a := <-done
		verifyPresigned(t, a, testToken, signer.Request{Method: "GET", Key: "k.txt"})
	}
	for _, l := range lines(f.log.String()) {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		id := m["requestId"].(string)
		assert.False(t, ids[id], "request ids are unique")
		ids[id] = true
	}
	assert.Len(t, ids, 16)
}

// TestHealthIsHonest: /healthz answers 200 only when the service can sign,
// and otherwise 503 naming each thing missing, never a secret (issue 13
// item 5).
func TestHealthIsHonest(t *testing.T) {
	ok := newFixture(t, nil).get("/healthz", nil)
	assert.Equal(t, 200, ok.status)
	assert.Equal(t, "ok", ok.str("status"))
	assert.Equal(t, "1.2.3", ok.str("version"))
	assert.Equal(t, 200, newFixture(t, map[string]string{"COS_BUCKET": "", "COS_ALLOWED_BUCKETS": testBucket}).get("/healthz", nil).status,
		"callers name one of the allowed buckets")
	assert.Equal(t, 200, newFixture(t, map[string]string{"COS_REGION": "", "COS_ENDPOINT": "cos.ap-guangzhou.myqcloud.com"}).get("/healthz", nil).status)
	assert.Equal(t, 200, newFixture(t, map[string]string{"COS_REGION": "", "COS_ALLOWED_REGIONS": "ap-shanghai"}).get("/healthz", nil).status,
		"callers name one of the allowed regions")

	for name, c := range map[string]struct {
		env  map[string]string
		want []string
	}{
		"no credentials": {map[string]string{"COS_SECRET_ID": "", "COS_SECRET_KEY": ""}, []string{"no credentials", "COS_SECRET_ID", "COS_SECRET_KEY"}},
		"no secret key":  {map[string]string{"COS_SECRET_KEY": ""}, []string{"COS_SECRET_KEY"}},
		"no bucket":      {map[string]string{"COS_BUCKET": ""}, []string{"no bucket", "COS_BUCKET", "COS_ALLOWED_BUCKETS"}},
		"no region":      {map[string]string{"COS_REGION": ""}, []string{"no region", "COS_REGION"}},
		"nothing":        {map[string]string{"COS_SECRET_ID": "", "COS_BUCKET": "", "COS_REGION": ""}, []string{"COS_SECRET_ID", "COS_BUCKET", "COS_REGION"}},
	} {
		f := newFixture(t, c.env)
		for _, method := range []string{"GET", "HEAD"} {
			a := f.serve(&Request{Method: method, Path: "/healthz"})
			assert.Equal(t, 503, a.status, "%s %s", name, method)
		}
		a := f.get("/healthz", nil)
		assert.Equal(t, "ServiceNotConfigured", a.code(), name)
		for _, w := range c.want {
			assert.Contains(t, a.message(), w, name)
		}
		for _, secret := range []string{testSecretID, testSecretKey} {
			assert.NotContains(t, string(a.body), secret, name)
		}
	}
}

// TestMethodCodesAreDistinct: the policy's refusal of a signed method (403)
// and an HTTP method a route does not answer (405) carry different codes
// (issue 13 item 12).
func TestMethodCodesAreDistinct(t *testing.T) {
	f := newFixture(t, nil)
	policy := f.post("/presign", `{"key":"k","method":"DELETE"}`)
	assert.Equal(t, 403, policy.status)
	assert.Equal(t, "MethodNotAllowed", policy.code())
	for _, r := range []*Request{{Method: "DELETE", Path: "/auth"}, {Method: "GET", Path: "/batch"}, {Method: "POST", Path: "/healthz"}} {
		a := f.serve(r)
		assert.Equal(t, 405, a.status, "%s %s", r.Method, r.Path)
		assert.Equal(t, "HTTPMethodNotAllowed", a.code(), "%s %s", r.Method, r.Path)
		assert.NotEmpty(t, a.header["Allow"])
	}
}

func TestRouteNames(t *testing.T) {
	for path, want := range map[string]string{
		"/auth": routeAuth, "/release/presign/": routePresign, "/prod/sign/Download": routeDownload,
		"/post-policy": routePostPolicy, "/postpolicy": routePostPolicy, "/batch": routeBatch,
		"/health": routeHealth, "/healthz": routeHealth, "/sts": routeSTS,
		"/": routeNone, "/get_auth": routeNone, "/post_policy": routeNone, "/auth/x": routeNone,
	} {
		if got := routeOf(path); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", path, got, want)
		}
	}
	for action, want := range map[string]string{
		"auth": routeAuth, "GetAuth": routeAuth, "get_auth": routeAuth, "get_presigned_url": routePresign,
		"get_presigned_download_url": routeDownload, "post_policy": routePostPolicy, "postpolicy": routePostPolicy,
		"STS": routeSTS, "health": routeHealth, "": routeNone, "sign": routeNone,
	} {
		if got := routeOfAction(action); got != want {
			t.Errorf("routeOfAction(%q) = %q, want %q", action, got, want)
		}
	}
}

// TestAPIErrorIsAnError: a refusal travels as an error, wrapped or not, and
// any other error (a bug) answers as a 500 that says nothing of it.
func TestAPIErrorIsAnError(t *testing.T) {
	var err error = badRequest("InvalidKey", "key is empty")
	assert.Equal(t, "InvalidKey: key is empty", err.Error())
	wrapped := fmt.Errorf("entry 3: %w", err)
	assert.Same(t, err, apiErrorOf(wrapped))
	bug := apiErrorOf(errors.New("sts: secret key AKID… rejected"))
	assert.Equal(t, 500, bug.status)
	assert.Equal(t, "InternalError", bug.code)
	assert.NotContains(t, bug.message, "AKID")
}
