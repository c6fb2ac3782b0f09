package service

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BenchmarkServePresign is a simple POST /presign through the whole core:
// decoding, policy, signing, the JSON answer and the log line.
func BenchmarkServePresign(b *testing.B) {
	cfg, err := LoadConfig(func(k string) string { return baseEnv()[k] })
	if err != nil {
		b.Fatal(err)
	}
	svc, err := New(cfg, Options{Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"key":"photos/2024/cat.jpg","method":"GET","expired":600}`)
	hdr := map[string]string{"content-type": "application/json"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp := svc.Serve(ctx, &Request{Method: "POST", Path: "/presign", Body: body, Header: hdr, RequestID: "r"})
		if resp.Status != 200 {
			b.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
	}
}

// BenchmarkServeHTTP is what the web door costs per request in process: a
// POST /presign with an HS256 bearer token through ServeHTTP, from the
// net/http request to the bytes written, the JWT check, policy, signing
// and the log line included. The writer is reused, so only the service's
// own allocations are counted.
func BenchmarkServeHTTP(b *testing.B) {
	svc, serve := serveHTTPBench(b)
	b.ReportAllocs()
	for b.Loop() {
		if status := serve(svc); status != 200 {
			b.Fatalf("status %d", status)
		}
	}
}

// TestServeHTTPBenchmarkIsServed: make test runs no benchmark, so this
// holds BenchmarkServeHTTP's request to a 200 as the configuration rules
// change.
func TestServeHTTPBenchmarkIsServed(t *testing.T) {
	svc, serve := serveHTTPBench(t)
	assert.Equal(t, 200, serve(svc))
}

// serveHTTPBench is the service BenchmarkServeHTTP drives, and one request
// to it.
func serveHTTPBench(tb testing.TB) (*Service, func(*Service) int) {
	env := baseEnv()
	maps.Copy(env, authtest.HS256Env(authtest.Secret))
	env["SIGN_KEY_PREFIXES"] = "photos/"
	cfg, err := LoadConfig(authtest.Getenv(env))
	require.NoError(tb, err)
	svc, err := New(cfg, Options{Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.NoError(tb, err)
	token := authtest.Token(tb, authtest.Secret, "user-42", time.Hour, authtest.MintedAt(testNow))
	const body = `{"key":"photos/2024/cat.jpg","method":"GET","expired":600}`
	r, err := http.NewRequest("POST", "http://localhost:9000/presign", nil)
	require.NoError(tb, err)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	r.RemoteAddr = "192.0.2.7:51234"
	var br strings.Reader
	w := &discardWriter{header: http.Header{}}
	return svc, func(svc *Service) int {
		br.Reset(body)
		r.Body = io.NopCloser(&br)
		clear(w.header)
		w.status = 0
		svc.ServeHTTP(w, r)
		return w.status
	}
}

// discardWriter is an http.ResponseWriter that keeps the status alone.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
