package hostiletest

import (
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/service"
)

// Server answers one logical request through a platform's real handler.
type Server func(t testing.TB, r Request) Response

// Builder builds a platform's handler the way its main does, from getenv
// and the service options (which carry the clock and the logger the
// adapter must use too).
type Builder func(t testing.TB, getenv func(string) string, opts service.Options) Server

// Options are the service options every runner uses: the fixed clock Now
// and logger. AuthorizerContext lets every door start in AUTH_MODE=gateway
// (SCF's and the web server's mains refuse it), so that the gateway cases
// show that on no door does anything a caller sends stand in for an
// authorizer.
func Options(logger *slog.Logger) service.Options {
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	return service.Options{Now: func() time.Time { return Now }, Logger: logger, Version: "hostile", AuthorizerContext: true}
}

// servers builds one Server per distinct environment.
type servers struct {
	t      testing.TB
	build  Builder
	logger *slog.Logger
	byEnv  map[string]Server
}

func (s *servers) get(over map[string]string) Server {
	env := Environ(over)
	key := EnvKey(env)
	if srv, ok := s.byEnv[key]; ok {
		return srv
	}
	srv := s.build(s.t, func(name string) string { return env[name] }, Options(s.logger))
	s.byEnv[key] = srv
	return srv
}

// serve runs one request, turning a panic into a test failure (a panic is
// a bug, whatever the input).
func serve(t testing.TB, srv Server, r Request) (resp Response, ok bool) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("the handler panicked: %v\n%s", v, debug.Stack())
			ok = false
		}
	}()
	return srv(t, r), true
}

// Run pushes every hostile case through p's handler, one subtest per case.
func Run(t *testing.T, p Platform, build Builder) {
	s := &servers{t: t, build: build, byEnv: map[string]Server{}}
	for _, c := range Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			resp, ok := serve(t, s.get(c.Env), c.Request)
			if ok {
				Check(t, c, p, resp)
			}
		})
	}
}

// Successes are requests that must succeed (auth, presign, download,
// post-policy, batch, with and without caller tokens): the log test runs
// them so that real signatures, authorizations and session tokens pass
// through the service.
func Successes(t testing.TB) []Case {
	t.Helper()
	user1 := bearer(t, "user1")
	xauth := map[string]string{"X-Auth-Token": mintToken(t, "user2")}
	var cs caseTable
	cs.add("auth GET", nil, PostJSON("/auth", map[string]any{"Method": "get", "Pathname": "/public/a.pdf",
		"Headers": map[string]any{"Host": Host}}), 200, "")
	cs.add("presign GET", nil, Get("/presign", map[string][]string{"key": {"public/a.pdf"}}), 200, "")
	cs.add("download", nil, Get("/download", map[string][]string{"key": {"uploads/user1/a.jpg"}}), 200, "")
	cs.add("download redirect", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"}, "redirect": {"1"}}), 302, "")
	cs.add("download base64", nil, Request{Method: "POST", Path: "/download", Header: jsonCT(),
		Body: mustJSON(map[string]any{"key": "public/a.pdf"}), Base64: true}, 200, "")
	cs.add("healthz", nil, Get("/healthz", nil), 200, "")
	cs.add("jwt auth PUT", JWT, withHeader(PostJSON("/auth", map[string]any{"Method": "PUT", "Key": "users/user1/a.jpg",
		"Headers": map[string]any{"Content-Type": "image/jpeg"}}), user1), 200, "")
	cs.add("jwt presign PUT", JWT, withHeader(PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg", "method": "PUT"}), user1), 200, "")
	cs.add("jwt presign server-chosen key", JWT, withHeader(PostJSON("/presign", map[string]any{"ext": "jpg"}), xauth), 200, "")
	cs.add("jwt download", JWT, withHeader(Get("/download", map[string][]string{"key": {"users/user1/a.jpg"}}), user1), 200, "")
	cs.add("jwt post-policy", JWT, withHeader(PostJSON("/post-policy", map[string]any{"key": "users/user1/a.jpg",
		"contentType": "image/jpeg", "contentLength": 1000}), user1), 200, "")
	cs.add("jwt batch", JWT, withHeader(PostJSON("/batch", map[string]any{"key": "users/user1/big.bin", "method": "PUT", "requests": []any{
		map[string]any{"params": map[string]any{"partNumber": 1, "uploadId": "u1"}},
		map[string]any{"params": map[string]any{"partNumber": 2, "uploadId": "u1"}},
		map[string]any{"action": "auth", "method": "GET"},
		map[string]any{"action": "post-policy", "key": "users/user1/b.jpg"},
	}}), user1), 200, "")
	cs.add("upload limits presign PUT", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
		"contentType": "image/jpeg", "contentLength": 1000}), 200, "")
	cs.add("download thumbnail", nil, Get("/download", map[string][]string{"key": {"uploads/user1/a.jpg"}, "process": {"imageMogr2/thumbnail/200x"}}), 200, "")
	for _, typ := range []string{"A", "B", "C", "D"} {
		cs.add("cdn download Type"+typ, CDN(typ), Get("/download", map[string][]string{"key": {"public/2024 夏天/猫.jpg"}}), 200, "")
	}
	cs.add("cdn download redirect", CDN("A"), Get("/download", map[string][]string{"key": {"public/a.jpg"}, "redirect": {"1"}}), 302, "")
	cs.add("cdn download via cos", CDN("C"), Get("/download", map[string][]string{"key": {"public/a.jpg"}, "via": {"cos"}}), 200, "")
	return append(cs, stsSuccesses(t)...)
}
