package service

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOneLogLinePerRequest(t *testing.T) {
	f := newFixture(t, nil)
	f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"docs/a.txt","method":"HEAD"}`), RequestID: "req-123"})
	f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"../x"}`), SourceIP: "203.0.113.7"})
	ls := lines(f.log.String())
	require.Len(t, ls, 2)
	var ok, refused map[string]any
	require.NoError(t, json.Unmarshal([]byte(ls[0]), &ok))
	require.NoError(t, json.Unmarshal([]byte(ls[1]), &refused))
	assert.Equal(t, "req-123", ok["requestId"])
	assert.Equal(t, "presign", ok["route"])
	assert.Equal(t, "HEAD", ok["method"])
	assert.Equal(t, testBucket, ok["bucket"])
	assert.Equal(t, "docs/a.txt", ok["key"])
	assert.Equal(t, "allowed", ok["decision"])
	assert.Equal(t, 200.0, ok["status"])
	assert.Contains(t, ok, "latencyUs")
	assert.Equal(t, "invalid", refused["decision"], "malformed input, not a policy refusal")
	assert.Equal(t, "InvalidKey", refused["code"])
	assert.Equal(t, 400.0, refused["status"])
	assert.NotEmpty(t, refused["requestId"])
	assert.Equal(t, "../x", refused["key"], "a refused key is logged as asked")
	assert.Equal(t, "203.0.113.7", refused["sourceIp"])
}

// TestLogsHoldNoSecrets runs every route, good and bad, with temporary
// credentials and caller tokens, and looks for any secret in the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	const callerToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS1jYWxsZXI"
	f := newFixture(t, map[string]string{"COS_SESSION_TOKEN": testToken, "CORS_ALLOWED_ORIGINS": "*"})
	f.cfg.Auth = stubAuth{id: &auth.Identity{Subject: "alice"}}
	f = newFixtureCfg(t, f.cfg)
	hdr := func() map[string]string {
		return map[string]string{"authorization": "Bearer " + callerToken, "x-auth-token": callerToken, "origin": "https://x.example", "content-type": "application/json"}
	}
	var secrets []string
	collect := func(a answer) {
		for _, k := range []string{"authorization", "url", "qSignature"} {
			if v := a.str(k); v != "" {
				secrets = append(secrets, v)
				if i := strings.Index(v, "q-signature="); i >= 0 {
					secrets = append(secrets, strings.SplitN(v[i+len("q-signature="):], "&", 2)[0])
				}
			}
		}
		if fields := strMap(a.obj["fields"]); fields != nil {
			secrets = append(secrets, fields["q-signature"])
		}
	}
	bodies := map[string][]string{
		"/auth":        {`{"key":"a.txt","method":"PUT","headers":{"x-cos-security-token":"` + testToken + `"}}`, `{"key":"a.txt","headers":{"x-cos-security-token":"wrong-` + testToken + `"}}`},
		"/presign":     {`{"key":"a.txt"}`, `{"ext":"jpg"}`, `{"key":"../a"}`, `{"key":"a","params":{"x-cos-security-token":"` + testToken + `x"}}`},
		"/download":    {`{"key":"a.txt"}`},
		"/post-policy": {`{"key":"a.jpg"}`},
		"/batch":       {`{"requests":[{"key":"a"},{"key":"/"},{"action":"auth","key":"b"}]}`},
		"/":            {`{"action":"presign","key":"z"}`, `{broken`},
	}
	for path, bs := range bodies {
		for _, b := range bs {
			a := f.serve(&Request{Method: "POST", Path: path, Body: []byte(b), Header: hdr()})
			collect(a)
			if results, ok := a.obj["results"].([]any); ok {
				for _, r := range results {
					collect(answer{obj: r.(map[string]any)})
				}
			}
		}
	}
	f.serve(&Request{Method: "GET", Path: "/download", Query: url.Values{"key": {"a"}, "redirect": {"1"}}, Header: hdr()})
	f.serve(&Request{Method: "OPTIONS", Path: "/auth", Header: hdr()})
	f.serve(&Request{Method: "GET", Path: "/healthz", Header: hdr()})

	out := f.log.String()
	require.NotEmpty(t, secrets)
	for _, s := range append(secrets, testSecretKey, testToken, callerToken, "Bearer") {
		assert.NotContains(t, out, s)
	}
	assert.Len(t, lines(out), 14)
}

// TestLogLinesSayWhatHappened: every line has the path (a 404's too), a
// 401 its reason, and malformed input is told apart from the policy's
// refusals (issue 13 item 7).
func TestLogLinesSayWhatHappened(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "uploads/"})
	f.cfg.Auth = stubAuth{err: &auth.Error{Reason: "the bearer token has expired"}}
	unauth := newFixtureCfg(t, f.cfg)
	unauth.post("/release/auth", `{"key":"uploads/a"}`)
	f.post("/release/list", `{}`)
	f.post("/presign", `{"key":"private/a"}`)
	f.post("/presign", `{"key":"uploads/a","expire":5}`)
	f.serve(&Request{Method: "PUT", Path: "/presign"})

	var recs []map[string]any
	for _, l := range append(lines(unauth.log.String()), lines(f.log.String())...) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		recs = append(recs, rec)
	}
	require.Len(t, recs, 5)
	want := []struct{ path, route, decision, code string }{
		{"/release/auth", "auth", "unauthenticated", "Unauthorized"},
		{"/release/list", "", "invalid", "UnknownRoute"},
		{"/presign", "presign", "refused", "KeyNotAllowed"},
		{"/presign", "presign", "invalid", "UnknownField"},
		{"/presign", "presign", "invalid", "HTTPMethodNotAllowed"},
	}
	for i, w := range want {
		assert.Equal(t, w.path, recs[i]["path"], "%d", i)
		assert.Equal(t, w.route, recs[i]["route"], "%d", i)
		assert.Equal(t, w.decision, recs[i]["decision"], "%d", i)
		assert.Equal(t, w.code, recs[i]["code"], "%d", i)
	}
	assert.Equal(t, "the bearer token has expired", recs[0]["reason"])
	for _, r := range recs[1:] {
		assert.NotContains(t, r, "reason", "only a 401 needs its reason in the log: the answer has the rest")
	}
}
