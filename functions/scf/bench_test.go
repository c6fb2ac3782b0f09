package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cos-signer/cos-signer/functions/internal/eventcheck"
)

// BenchmarkHandler: event bytes to response bytes, as cloudfunction runs
// the handler (decode into the input type, call, encode).
func BenchmarkHandler(b *testing.B) {
	h := newTestHandler(b)
	for _, name := range []string{"apigw-presign", "url-presign", "direct-presign"} {
		ev, err := os.ReadFile(filepath.Join(eventcheck.Dir(b, "scf"), name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		ctx := scfContext("bench")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := invoke(ctx, h.Handle, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
