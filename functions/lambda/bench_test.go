package main

import (
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkHandler: event bytes to response bytes through aws-lambda-go's
// own decode → call → encode path.
func BenchmarkHandler(b *testing.B) {
	lh := lambda.NewHandler(newTestHandler(b).Handle)
	ctx := lambdaContext("bench")
	for _, name := range []string{"v1-presign", "v2-presign", "url-presign", "alb-mv-presign", "direct-presign"} {
		ev := readEventTB(b, name+".json")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lh.Invoke(ctx, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
