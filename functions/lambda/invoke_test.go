package main

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// main hands the handler itself to lambda.Start, which then runs Invoke.
var _ lambda.Handler = (*handler)(nil)

// generatedID matches the ids the service makes up for events that carry
// none; each service instance has its own random prefix.
var generatedID = regexp.MustCompile(`[0-9a-f]{12}-[0-9]+`)

// Handle is the same handler in aws-lambda-go's typed form,
// func(context.Context, TIn) (TOut, error): aws-lambda-go decodes the event
// into a json.RawMessage, so every shape reaches it, and re-encodes the
// answer, which is already compact JSON, unchanged.
// main runs Invoke; the tests hold it to this typed form.
func (h *handler) Handle(ctx context.Context, event json.RawMessage) (any, error) {
	out, err := h.respond(ctx, event)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(out), nil
}

// invokeAll runs payload through the production path (Invoke), the typed
// path (Handle) and the reference (the handler before it wrote its own
// responses), each through aws-lambda-go's lambda.NewHandler, and requires
// the same bytes or the same error from all three.
func invokeAll(t *testing.T, h *handler, payload []byte) {
	t.Helper()
	ctx := lambdaContext("diff")
	want, wantErr := lambda.NewHandler(h.referenceHandle).Invoke(ctx, payload)
	for name, lh := range map[string]lambda.Handler{"Invoke": lambda.NewHandler(h), "Handle": lambda.NewHandler(h.Handle)} {
		got, err := lh.Invoke(ctx, payload)
		if wantErr != nil {
			require.Error(t, err, "%s: %q", name, payload)
			assert.Equal(t, wantErr.Error(), err.Error(), "%s: %q", name, payload)
			assert.IsType(t, wantErr, err, "%s: %q", name, payload)
			continue
		}
		require.NoError(t, err, "%s: %q", name, payload)
		assert.Equal(t, generatedID.ReplaceAllString(string(want), "ID"), generatedID.ReplaceAllString(string(got), "ID"), "%s: %q", name, payload)
	}
}

func lambdaSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range eventtest.Load(t, "lambda") {
		seeds = append(seeds, c.Event)
	}
	for _, s := range []string{``, ` `, `null`, `"a string"`, `12`, `[]`, `{}`, ` {"action":"presign","key":"a.txt"} `,
		`{"action":"presign","key":"a.txt"} trailing`, `{"action":"presign","key":"a.txt"}{"x":1}`, `{"action":`, `{"a":1}}`,
		`{"action":"presign","key":"<a&b>\u2028.txt"}`, "{\"action\":\"presign\",\"key\":\"\xff.txt\"}",
		`{"version":"2.0","rawPath":"/presign","body":"\u0000\u00ff","isBase64Encoded":false,"requestContext":{"http":{"method":"POST"}}}`,
		`{"resource":"/x","httpMethod":"GET","path":"/healthz","isBase64Encoded":true,"body":"//79"}`} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func TestInvokeAnswersAsTheTypedPath(t *testing.T) {
	h := newTestHandler(t)
	for _, payload := range lambdaSeeds(t) {
		invokeAll(t, h, payload)
	}
}

// FuzzInvokeAnswersAsTheTypedPath: whatever the bytes, Invoke and Handle
// answer what the reflection-encoding reference answers.
func FuzzInvokeAnswersAsTheTypedPath(f *testing.F) {
	for _, s := range lambdaSeeds(f) {
		f.Add(s)
	}
	h := newTestHandler(f)
	f.Fuzz(func(t *testing.T, payload []byte) { invokeAll(t, h, payload) })
}
