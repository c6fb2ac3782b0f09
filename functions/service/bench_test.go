package service

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
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
