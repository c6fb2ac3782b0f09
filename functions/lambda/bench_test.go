package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkHandler: event bytes to response bytes through aws-lambda-go's
// lambda.NewHandler, with the handler as main gives it to lambda.Start:
// <event>/ours. Beside it, in the same run and right after it (the ratio is
// what counts, and this VM's speed drifts), <event>/floor: aws-lambda-go's
// own decode → call → encode path on the same event bytes, with a
// hello-world function that answers a fixed HTTP response without reading
// the event.
func BenchmarkHandler(b *testing.B) {
	ours := lambda.NewHandler(newTestHandler(b).handle)
	floor := lambda.NewHandler(func(ctx context.Context, event json.RawMessage) (any, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"hello":"world"}`}, nil
	})
	ctx := lambdaContext("bench")
	for _, name := range []string{"v1-presign", "v2-presign", "url-presign", "alb-mv-presign", "direct-presign"} {
		ev := readEventTB(b, name+".json")
		b.Run(name, func(b *testing.B) {
			for _, run := range []struct {
				name string
				h    lambda.Handler
			}{{"ours", ours}, {"floor", floor}} {
				b.Run(run.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := run.h.Invoke(ctx, ev); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
