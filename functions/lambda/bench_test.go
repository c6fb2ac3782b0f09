package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkHandler: event bytes to response bytes through aws-lambda-go's
// lambda.NewHandler, with the handler as main gives it to lambda.Start (a
// lambda.Handler: the bytes pass through, our code reads and writes them).
func BenchmarkHandler(b *testing.B) {
	lh := lambda.NewHandler(newTestHandler(b))
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

// BenchmarkHandlerFloor is BenchmarkHandler's floor: aws-lambda-go's own
// decode → call → encode path on the same event bytes, with a hello-world
// function that answers a fixed HTTP response without reading the event.
func BenchmarkHandlerFloor(b *testing.B) {
	hello := func(ctx context.Context, event json.RawMessage) (any, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"hello":"world"}`}, nil
	}
	lh := lambda.NewHandler(hello)
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
