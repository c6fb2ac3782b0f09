package main

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tencentyun/scf-go-lib/cloudfunction"

	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// main hands the handler itself to cloudfunction.StartHandler.
var _ cloudfunction.Handler = (*handler)(nil)

// generatedID matches the ids the service makes up for events that carry
// none; each service instance has its own random prefix.
var generatedID = regexp.MustCompile(`[0-9a-f]{12}-[0-9]+`)

// Handle is the same handler in scf-go-lib's typed form (cloudfunction.Start
// decodes the event into a json.RawMessage, so any JSON reaches it, and
// re-encodes the answer, which is already encoded as it would encode it).
// main runs Invoke; the tests hold it to this typed form.
func (h *handler) Handle(ctx context.Context, event json.RawMessage) (any, error) {
	out, err := h.respond(ctx, event)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(out), nil
}

// invokeAll runs payload through the production path (Invoke), the typed
// path (Handle, the way scf-go-lib runs it) and the reference (the handler
// before it wrote its own responses), and requires the same bytes or the
// same error from all three.
func invokeAll(t *testing.T, h *handler, payload []byte) {
	t.Helper()
	ctx := scfContext("diff")
	want, wantErr := invoke(ctx, h.referenceHandle, payload)
	got1, err1 := h.Invoke(ctx, payload)
	got2, err2 := invoke(ctx, h.Handle, payload)
	for i, got := range [][]byte{got1, got2} {
		err := []error{err1, err2}[i]
		if wantErr != nil {
			require.Error(t, err, "%d: %q", i, payload)
			assert.Equal(t, wantErr.Error(), err.Error(), "%d: %q", i, payload)
			assert.IsType(t, wantErr, err, "%d: %q", i, payload)
			continue
		}
		require.NoError(t, err, "%d: %q", i, payload)
		assert.Equal(t, generatedID.ReplaceAllString(string(want), "ID"), generatedID.ReplaceAllString(string(got), "ID"), "%d: %q", i, payload)
	}
}

func scfSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range eventtest.Load(t, "scf") {
		seeds = append(seeds, c.Event)
	}
	for _, s := range []string{``, ` `, `null`, `"a string"`, `12`, `[]`, `{}`, ` {"action":"presign","key":"a.txt"} `,
		`{"action":"presign","key":"a.txt"} trailing`, `{"action":"presign","key":"a.txt"}{"x":1}`, `{"action":`,
		`{"action":"presign","key":"<a&b>\u2028.txt"}`, "{\"action\":\"presign\",\"key\":\"\xff.txt\"}",
		`{"httpMethod":"POST","path":"/presign","body":"{\"key\":\"<&>\u2029\"}","headers":{"Origin":"https://a<b>"}}`,
		`{"httpMethod":"GET","path":"/healthz","isBase64Encoded":true,"body":"//79"}`} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func TestInvokeAnswersAsTheTypedPath(t *testing.T) {
	h := newTestHandler(t)
	for _, payload := range scfSeeds(t) {
		invokeAll(t, h, payload)
	}
}

// FuzzInvokeAnswersAsTheTypedPath: whatever the bytes, Invoke and Handle
// answer what the reflection-encoding reference answers.
func FuzzInvokeAnswersAsTheTypedPath(f *testing.F) {
	for _, s := range scfSeeds(f) {
		f.Add(s)
	}
	h := newTestHandler(f)
	f.Fuzz(func(t *testing.T, payload []byte) { invokeAll(t, h, payload) })
}
