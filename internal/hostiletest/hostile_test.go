package hostiletest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	all := append(Cases(t), Successes(t)...)
	require.Greater(t, len(all), 200)
	for _, c := range all {
		assert.False(t, seen[c.Name], "duplicate case name %q", c.Name)
		seen[c.Name] = true
		assert.NotEmpty(t, c.Request.Method, c.Name)
		assert.NotZero(t, c.Expect.Status, c.Name)
		if c.Expect.Status >= 400 {
			assert.NotEmpty(t, c.Expect.Code, "%s: a refusal names its code", c.Name)
		}
		assert.LessOrEqual(t, len(c.Request.Body), 4*MaxBodyBytes, c.Name)
	}
}

func TestCredentialsLookReal(t *testing.T) {
	assert.Len(t, SecretID, 36)
	assert.True(t, strings.HasPrefix(SecretID, "AKID"))
	assert.Len(t, SecretKey, 32)
	assert.Greater(t, len(SessionToken), 100)
	assert.True(t, strings.ContainsAny(SessionToken, "+") && strings.Contains(SessionToken, "/") && strings.HasSuffix(SessionToken, "="))
}

func TestCallerTokens(t *testing.T) {
	r := Request{Header: map[string]string{"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz", "x-auth-token": "short", "Cookie": "abcdefghijklmnopqrstuvwxyz"}}
	assert.Equal(t, []string{"abcdefghijklmnopqrstuvwxyz"}, CallerTokens(r))
}

func TestMismatches(t *testing.T) {
	c := Case{Name: "x", Request: Request{Method: "GET", Header: map[string]string{"Authorization": "Bearer " + strings.Repeat("t", 20)}},
		Expect: Expect{Status: 403, Code: "KeyNotAllowed", AbsentHeaders: []string{"Access-Control-Allow-Origin"}}}
	ok := Response{Status: 403, Body: []byte(`{"error":{"code":"KeyNotAllowed","message":"m","requestId":"r"}}`)}
	assert.Empty(t, Mismatches(c, Platform{Name: "p"}, ok))

	for name, r := range map[string]Response{
		"status":        {Status: 400, Body: ok.Body},
		"code":          {Status: 403, Body: []byte(`{"error":{"code":"Other","message":"m"}}`)},
		"not an error":  {Status: 403, Body: []byte(`{}`)},
		"header set":    {Status: 403, Body: ok.Body, Header: map[string]string{"access-control-allow-origin": "*"}},
		"CRLF header":   {Status: 403, Body: ok.Body, Header: map[string]string{"X": "a\r\nb"}},
		"secret key":    {Status: 403, Body: []byte(`{"error":{"code":"KeyNotAllowed","message":"` + SecretKey + `"}}`)},
		"session token": {Status: 403, Body: []byte(`{"error":{"code":"KeyNotAllowed","message":"m"}}`), Header: map[string]string{"X": SessionToken}},
		"caller token":  {Status: 403, Body: []byte(`{"error":{"code":"KeyNotAllowed","message":"` + strings.Repeat("t", 20) + `"}}`)},
	} {
		assert.NotEmpty(t, Mismatches(c, Platform{Name: "p"}, r), name)
	}

	b := Case{Expect: Expect{Status: 200, Entries: []string{"", "InvalidKey"}}}
	assert.Empty(t, Mismatches(b, Platform{}, Response{Status: 200, Body: []byte(`{"results":[{"url":"u"},{"error":{"code":"InvalidKey"}}]}`)}))
	assert.NotEmpty(t, Mismatches(b, Platform{}, Response{Status: 200, Body: []byte(`{"results":[{"url":"u"}]}`)}))
}

func TestBodyOn(t *testing.T) {
	r := Request{Body: []byte("{}"), Base64: true}
	body, b64 := r.BodyOn(Platform{Base64: true})
	assert.Equal(t, "e30=", body)
	assert.True(t, b64)
	body, b64 = r.BodyOn(Platform{})
	assert.Equal(t, "{}", body)
	assert.False(t, b64)
	raw := Request{RawBase64Body: "%%"}
	body, b64 = raw.BodyOn(Platform{Base64: true})
	assert.Equal(t, "%%", body)
	assert.True(t, b64)
	assert.Equal(t, []byte("%%"), raw.RawBody())
}

func TestLogProblems(t *testing.T) {
	good := `{"time":"t","level":"INFO","msg":"request","requestId":"r1","route":"presign","path":"/presign","decision":"allowed","status":200}
{"time":"t","level":"INFO","msg":"request","requestId":"r2","route":"","path":"/list","decision":"invalid","code":"UnknownRoute","status":404}
{"time":"t","level":"INFO","msg":"request","requestId":"r4","route":"auth","path":"/auth","decision":"unauthenticated","code":"Unauthorized","reason":"no token","status":401}
{"time":"t","level":"INFO","msg":"request","requestId":"r5","route":"auth","path":"/auth","decision":"refused","code":"KeyNotAllowed","status":403}
{"time":"t","level":"WARN","msg":"unreadable SCF event","requestId":"r3","error":"x"}`
	problems, n := LogProblems(good, []string{SecretKey})
	assert.Empty(t, problems)
	assert.GreaterOrEqual(t, n, 4)

	for name, log := range map[string]string{
		"secret":      `{"msg":"request","requestId":"r","route":"a","decision":"allowed","status":200,"k":"` + SecretKey + `"}`,
		"not JSON":    `request r1 presign allowed`,
		"no id":       `{"msg":"request","route":"a","decision":"allowed","status":200}`,
		"no route":    `{"msg":"request","requestId":"r","decision":"allowed","status":200}`,
		"no decision": `{"msg":"request","requestId":"r","route":"a","status":200}`,
		"no code":     `{"msg":"request","requestId":"r","route":"a","decision":"refused","status":403}`,
		"wrong":       `{"msg":"request","requestId":"r","route":"a","path":"/a","decision":"allowed","status":403}`,
		"no path":     `{"msg":"request","requestId":"r","route":"a","decision":"allowed","status":200}`,
		"invalid 403": `{"msg":"request","requestId":"r","route":"a","path":"/a","decision":"invalid","code":"KeyNotAllowed","status":403}`,
		"refused 400": `{"msg":"request","requestId":"r","route":"a","path":"/a","decision":"refused","code":"InvalidJSON","status":400}`,
		"401 reason":  `{"msg":"request","requestId":"r","route":"a","path":"/a","decision":"unauthenticated","code":"Unauthorized","status":401}`,
	} {
		problems, _ := LogProblems(log, []string{SecretKey})
		assert.NotEmpty(t, problems, name)
	}
}

func TestSecretsFromAnswers(t *testing.T) {
	s := newSecretSet()
	sig := strings.Repeat("ab", 20)
	auth := "q-sign-algorithm=sha1&q-ak=AKIDx&q-signature=" + sig
	n := s.addFromAnswer(Response{Body: []byte(`{"authorization":"` + auth + `","url":"https://h/k?q-signature=` + strings.Repeat("cd", 20) + `"}`),
		Header: map[string]string{"Location": "https://h/k?q-signature=" + strings.Repeat("ef", 20)}})
	assert.GreaterOrEqual(t, n, 3)
	l := s.list()
	assert.Contains(t, l, sig)
	assert.Contains(t, l, strings.Repeat("cd", 20))
	assert.Contains(t, l, strings.Repeat("ef", 20))
	assert.Contains(t, l, auth)
	assert.Contains(t, l, "q-sign-algorithm%3Dsha1%26q-ak%3DAKIDx%26q-signature%3D"+sig)
}

// CDN URLs carry an MD5 where each type puts it; a server-chosen key's 32
// hex digits (followed by its extension) are not one.
func TestCDNHashesFromAnswers(t *testing.T) {
	h := func(c string) string { return strings.Repeat(c, 32) }
	s := newSecretSet()
	n := s.addFromAnswer(Response{Body: []byte(`{"results":[` +
		`{"url":"https://img/a.jpg?sign=1700000000-RAND-0-` + h("1") + `"},` +
		`{"url":"https://img/202311150518/` + h("2") + `/a.jpg"},` +
		`{"url":"https://img/` + h("3") + `/6553e41c/a.jpg"},` +
		`{"url":"https://img/a.jpg?sign=` + h("4") + `&t=1700000000"},` +
		`{"key":"uploads/user1/` + h("5") + `.jpg"}]}`)})
	assert.GreaterOrEqual(t, n, 4)
	for _, c := range []string{"1", "2", "3", "4"} {
		assert.Contains(t, s.list(), h(c))
	}
	assert.NotContains(t, s.list(), h("5"))
}

func TestDirectEvent(t *testing.T) {
	ev, ok := DirectEvent(Case{Request: PostJSON("/release/presign", map[string]any{"key": "a"}), Expect: Expect{Status: 400, Code: "InvalidKey"}})
	require.True(t, ok)
	assert.JSONEq(t, `{"action":"presign","key":"a"}`, string(ev))
	for name, c := range map[string]Case{
		"GET":          {Request: Get("/presign", map[string][]string{"key": {"a"}})},
		"token":        {Request: withHeader(PostJSON("/presign", map[string]any{"key": "a"}), map[string]string{"Authorization": "Bearer " + strings.Repeat("t", 30)})},
		"jwt env":      {Env: JWT, Request: PostJSON("/presign", map[string]any{"key": "a"})},
		"no route":     {Request: PostJSON("/", map[string]any{"key": "a"})},
		"has action":   {Request: PostJSON("/presign", map[string]any{"action": "auth"})},
		"not object":   {Request: Request{Method: "POST", Path: "/presign", Body: []byte(`[1]`)}},
		"base64":       {Request: Request{Method: "POST", Path: "/presign", Body: []byte(`{}`), Base64: true}},
		"405":          {Request: PostJSON("/healthz", nil), Expect: Expect{Status: 405}},
		"form":         {Request: Request{Method: "POST", Path: "/presign", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, Body: []byte(`{}`)}},
		"other header": {Request: withHeader(PostJSON("/presign", map[string]any{"key": "a"}), map[string]string{"Origin": "https://x"})},
	} {
		_, ok := DirectEvent(c)
		assert.False(t, ok, name)
	}
	n := 0
	for _, c := range Cases(t) {
		if _, ok := DirectEvent(c); ok {
			n++
		}
	}
	assert.Greater(t, n, 100, "most of the table applies to direct invocation")
}
