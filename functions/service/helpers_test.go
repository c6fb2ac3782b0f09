package service

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/require"
)

// Obviously fake but real-looking credentials: the log tests look for them.
const (
	testSecretID  = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
	testSecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY"
	testToken     = "sessionTokenEXAMPLE-1f9c8e7d6b5a4f3e2d1c0b9a8f7e6d5c"
	testBucket    = "examplebucket-1250000000"
	testRegion    = "ap-guangzhou"
	testHost      = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
)

var testNow = time.Unix(1_700_000_000, 0)

func baseEnv() map[string]string {
	return map[string]string{
		"COS_SECRET_ID":  testSecretID,
		"COS_SECRET_KEY": testSecretKey,
		"COS_BUCKET":     testBucket,
		"COS_REGION":     testRegion,
	}
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	t   testing.TB
	svc *Service
	cfg Config
	log *syncBuffer
}

// newFixture builds a service from baseEnv with overrides ("" deletes a
// variable).
func newFixture(t testing.TB, over map[string]string) *fixture {
	t.Helper()
	env := baseEnv()
	for k, v := range over {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	return newFixtureCfg(t, cfg)
}

func newFixtureCfg(t testing.TB, cfg Config) *fixture {
	t.Helper()
	buf := &syncBuffer{}
	svc, err := New(cfg, Options{Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewJSONHandler(buf, nil)), Version: "1.2.3"})
	require.NoError(t, err)
	return &fixture{t: t, svc: svc, cfg: cfg, log: buf}
}

// stubAuth is an Authenticator for tests: a fixed identity, a refusal, or a
// panic.
type stubAuth struct {
	id    *auth.Identity
	err   error
	panic bool
}

func (a stubAuth) Mode() string { return "stub" }
func (a stubAuth) Authenticate(map[string]string, map[string]any, time.Time) (*auth.Identity, error) {
	if a.panic {
		panic("stub authenticator exploded")
	}
	return a.id, a.err
}

// withIdentity is a fixture whose callers are authenticated as sub.
func withIdentity(t testing.TB, over map[string]string, sub string) *fixture {
	t.Helper()
	f := newFixture(t, over)
	f.cfg.Auth = stubAuth{id: &auth.Identity{Subject: sub}}
	return newFixtureCfg(t, f.cfg)
}

type answer struct {
	status int
	header map[string]string
	body   []byte
	obj    map[string]any
}

func (a answer) str(name string) string {
	s, _ := a.obj[name].(string)
	return s
}

func (a answer) num(name string) int64 {
	n, _ := a.obj[name].(float64)
	return int64(n)
}

func (a answer) code() string {
	e, _ := a.obj["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (a answer) message() string {
	e, _ := a.obj["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

func (f *fixture) serve(r *Request) answer {
	f.t.Helper()
	if r.Header == nil {
		r.Header = map[string]string{}
	}
	resp := f.svc.Serve(context.Background(), r)
	require.NotNil(f.t, resp)
	a := answer{status: resp.Status, header: resp.Header, body: resp.Body}
	if len(resp.Body) > 0 {
		require.NoError(f.t, json.Unmarshal(resp.Body, &a.obj), "answer is JSON: %s", resp.Body)
	}
	return a
}

func (f *fixture) post(path, body string) answer {
	f.t.Helper()
	return f.serve(&Request{Method: "POST", Path: path, Body: []byte(body), Header: map[string]string{"content-type": "application/json"}})
}

func (f *fixture) get(path string, q url.Values) answer {
	f.t.Helper()
	return f.serve(&Request{Method: "GET", Path: path, Query: q})
}

// refSigner is the signer a test recomputes signatures with.
func refSigner(t testing.TB, token string) *signer.Signer {
	t.Helper()
	s, err := signer.New(signer.Credentials{SecretID: testSecretID, SecretKey: testSecretKey, SessionToken: token}, signer.Endpoint{Region: testRegion})
	require.NoError(t, err)
	return s
}

func windowOf(t testing.TB, a answer) signer.Window {
	t.Helper()
	w := signer.Window{Start: a.num("startTime"), End: a.num("expiredTime")}
	require.Positive(t, w.Start)
	require.Greater(t, w.End, w.Start)
	return w
}

func strMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, x := range m {
		out[k], _ = x.(string)
	}
	return out
}

// verifyPresigned recomputes a presigned URL with the reference signer from
// the same inputs and the answer's window, and compares.
func verifyPresigned(t testing.TB, a answer, token string, r signer.Request) {
	t.Helper()
	require.Equal(t, 200, a.status, "%s", a.body)
	r.Window = windowOf(t, a)
	if r.Bucket == "" {
		r.Bucket = testBucket
	}
	want, err := refSigner(t, token).PresignURL(&r)
	require.NoError(t, err)
	require.Equal(t, want.URL, a.str("url"))
	require.Equal(t, want.Method, a.str("method"))
	require.Equal(t, want.Headers, strMap(a.obj["headers"]))
}

// verifyAuth recomputes an Authorization the same way.
func verifyAuth(t testing.TB, a answer, token string, r signer.Request) {
	t.Helper()
	require.Equal(t, 200, a.status, "%s", a.body)
	r.Window = windowOf(t, a)
	if r.Bucket == "" {
		r.Bucket = testBucket
	}
	want, err := refSigner(t, token).Authorization(&r)
	require.NoError(t, err)
	require.Equal(t, want.Authorization, a.str("authorization"))
	require.Equal(t, want.Host, a.str("host"))
	require.Equal(t, want.Headers, strMap(a.obj["headers"]))
}

// verifyPolicy recomputes a POST policy's signature from its JSON text.
func verifyPolicy(t testing.TB, a answer, token string) map[string]string {
	t.Helper()
	require.Equal(t, 200, a.status, "%s", a.body)
	fields := strMap(a.obj["fields"])
	want, err := refSigner(t, token).SignPolicy(a.str("policy"), windowOf(t, a))
	require.NoError(t, err)
	for k, v := range want {
		require.Equal(t, v, fields[k], k)
	}
	return fields
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }
