package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/internal/eventtest"
)

var benchEvents = []string{"apigw-presign", "url-presign", "direct-presign"}

// BenchmarkHandler: event bytes to response bytes, as scf-go-lib's
// cloudfunction.Start runs the handler main gives it: <event>/ours. Beside
// it, in the same run and right after it (the ratio is what counts, and
// this VM's speed drifts), <event>/floor: the same typed path on the same
// event bytes, with a hello-world function that answers a fixed gateway
// response without reading the event.
func BenchmarkHandler(b *testing.B) {
	h := newTestHandler(b)
	hello := func(ctx context.Context, event json.RawMessage) (any, error) {
		return events.APIGatewayResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"hello":"world"}`}, nil
	}
	ctx := scfContext("bench")
	for _, name := range benchEvents {
		ev := readBenchEvent(b, name)
		b.Run(name, func(b *testing.B) {
			b.Run("ours", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := h.invoke(ctx, ev); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("floor", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := runAsStart(ctx, hello, ev); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func readBenchEvent(b *testing.B, name string) []byte {
	ev, err := os.ReadFile(filepath.Join(eventtest.Dir(b, "scf"), name+".json"))
	if err != nil {
		b.Fatal(err)
	}
	return ev
}
