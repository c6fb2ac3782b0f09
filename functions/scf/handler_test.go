package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tencentyun/scf-go-lib/functioncontext"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

var fixedNow = time.Unix(1795374000, 0)

func newTestHandler(t testing.TB) *handler {
	t.Helper()
	h, err := newHandler(eventtest.Getenv(eventtest.Env(t)), service.Options{
		Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "test"})
	require.NoError(t, err)
	return h
}

// invoke runs payload through fn the way scf-go-lib's cloudfunction does:
// json.Unmarshal into a new value of the handler's input type, call, then
// json.Marshal the output. (The reflection wrapper is unexported there.)
func invoke(ctx context.Context, fn any, payload []byte) ([]byte, error) {
	v := reflect.ValueOf(fn)
	in := reflect.New(v.Type().In(1))
	if err := json.Unmarshal(payload, in.Interface()); err != nil {
		return nil, err
	}
	out := v.Call([]reflect.Value{reflect.ValueOf(ctx), in.Elem()})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	return json.Marshal(out[0].Interface())
}

// errorType is the Type scf-go-lib reports for a failed invocation.
func errorType(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

func scfContext(id string) context.Context {
	return functioncontext.NewContext(context.Background(), &functioncontext.FunctionContext{RequestID: id, FunctionName: "cos-signer"})
}

func TestSampleEvents(t *testing.T) {
	h := newTestHandler(t)
	routes := map[string]bool{}
	for _, c := range eventtest.Load(t, "scf") {
		t.Run(c.Name, func(t *testing.T) {
			out, err := h.Invoke(scfContext("scf-invoke-"+filepath.Base(c.File)), c.Event)
			if c.Expect.InvokeError {
				require.Error(t, err, "the invocation must fail")
				eventtest.CheckInvokeError(t, "scf", c.Expect, eventtest.InvokeFailure{Type: errorType(err), Message: err.Error()})
				return
			}
			require.NoError(t, err)
			a, err := c.Answer(out)
			require.NoError(t, err, "response: %s", out)
			eventtest.CheckAnswer(t, c.Expect, a)
			if !c.Direct() {
				var ev Event
				require.NoError(t, json.Unmarshal(c.Event, &ev))
				routes[ev.Method+" "+filepath.Base(ev.Path)] = true
				if a.Status >= 400 {
					// The gateway's request id, else the function context's.
					want := ev.Context.RequestID
					if want == "" {
						want = "scf-invoke-" + filepath.Base(c.File)
					}
					assert.Equal(t, want, errorRequestID(t, a.Body))
				}
			}
		})
	}
	for _, r := range []string{"POST auth", "POST presign", "GET presign", "GET download", "POST download", "POST post-policy", "POST batch", "GET healthz", "OPTIONS presign"} {
		assert.True(t, routes[r], "no sample SCF event exercises %s", r)
	}
}

func TestRequestMapping(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(eventtest.Dir(t, "scf"), "apigw-download-multi-query.json"))
	require.NoError(t, err)
	r, err := toRequest(scfContext("ctx-id"), raw)
	require.NoError(t, err)
	assert.Equal(t, "GET", r.Method)
	assert.Equal(t, "/download", r.Path)
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"], "an array value keeps every value")
	assert.Equal(t, []string{""}, r.Query["preview"], "a bool value is a bare flag")
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"])
	assert.Empty(t, r.Header, "the gateway's own headers are not kept: the service reads none of them")
	assert.Equal(t, "203.0.113.24", r.SourceIP)
	assert.Equal(t, "c4983663-eabe-8a6a-334d-97c3fde0e0f6", r.RequestID, "requestContext.requestId comes first")

	raw, err = os.ReadFile(filepath.Join(eventtest.Dir(t, "scf"), "url-auth.json"))
	require.NoError(t, err)
	r, err = toRequest(scfContext("ctx-id"), raw)
	require.NoError(t, err)
	assert.Equal(t, "ctx-id", r.RequestID, "a Function URL event takes the function context's request id")
	assert.Equal(t, "203.0.113.24", r.SourceIP, "from x-scf-remote-addr")
	assert.Equal(t, "application/json", r.Header["content-type"], "a header the service reads is kept")
	assert.Contains(t, string(r.Body), `"uploads/photo.jpg"`)

	r, err = toRequest(context.Background(), raw)
	require.NoError(t, err)
	assert.Empty(t, r.RequestID, "no id anywhere: the service makes one")

	raw, err = os.ReadFile(filepath.Join(eventtest.Dir(t, "scf"), "apigw-auth-base64.json"))
	require.NoError(t, err)
	r, err = toRequest(context.Background(), raw)
	require.NoError(t, err)
	assert.JSONEq(t, `{"method":"GET","key":"public/photos/cat.jpg"}`, string(r.Body), "the base64 body is decoded")
}

func TestBadEvents(t *testing.T) {
	h := newTestHandler(t)
	for name, ev := range map[string]string{
		"bad base64":         `{"httpMethod":"POST","path":"/auth","isBase64Encoded":true,"body":"%%%"}`,
		"headers not object": `{"httpMethod":"GET","path":"/healthz","headers":["a"]}`,
		"query number":       `{"httpMethod":"GET","path":"/healthz","queryString":{"a":1}}`,
	} {
		out, err := h.Invoke(scfContext("bad-1"), []byte(ev))
		require.NoError(t, err, name)
		var resp struct {
			StatusCode int               `json:"statusCode"`
			Headers    map[string]string `json:"headers"`
			Body       string            `json:"body"`
		}
		require.NoError(t, json.Unmarshal(out, &resp), name)
		assert.Equal(t, 400, resp.StatusCode, name)
		assert.JSONEq(t, `"InvalidEvent"`, mustField(t, resp.Body, "code"), name)
		assert.NotContains(t, resp.Body, "%%%", "%s: the event's content is not echoed", name)
	}
	// A direct invocation that is not a JSON object fails with the service's code.
	_, err := h.Invoke(scfContext("bad-2"), []byte(`"just a string"`))
	require.Error(t, err)
	var ie *service.InvokeError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 400, ie.Status)
}

func TestResponseHeadersNeverNull(t *testing.T) {
	out := appendResponse(nil, &service.Response{Status: 204})
	assert.Equal(t, `{"isBase64Encoded":false,"statusCode":204,"headers":{},"body":""}`, string(out))
	bin := appendResponse(nil, &service.Response{Status: 200, Body: []byte{0xff, 0x00}})
	assert.Equal(t, `{"isBase64Encoded":true,"statusCode":200,"headers":{},"body":"/wA="}`, string(bin))
}

func errorRequestID(t *testing.T, body []byte) string {
	var e struct {
		Error struct {
			RequestID string `json:"requestId"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &e))
	return e.Error.RequestID
}

func mustField(t *testing.T, body, field string) string {
	var e struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e))
	return string(e.Error[field])
}

func FuzzSCFEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(eventtest.Dir(f, "scf"), "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"httpMethod":"GET","queryString":{"a":[1]}}`))
	h := newTestHandler(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := h.Invoke(scfContext("fuzz"), b)
		if err != nil || !isHTTPEvent(b) {
			return
		}
		var resp map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(out, &resp))
		assert.NotEqual(t, "null", string(resp["headers"]))
		var status int
		require.NoError(t, json.Unmarshal(resp["statusCode"], &status))
		assert.True(t, status >= 200 && status < 600, "status %d", status)
	})
}

// FuzzIsHTTPEvent holds the one-pass isHTTPEvent to the encoding/json
// reference on every valid JSON input (scf-go-lib hands over nothing else).
func FuzzIsHTTPEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(eventtest.Dir(f, "scf"), "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{"httpMethod":"GET","httpMethod":null}`, `{"HTTPMETHOD":"GET"}`, `{"httpMethod":1}`,
		`{"httpMethod":null,"httpMethod":"POST"}`, `{"httpMethod":"GET","httpmethod":2}`, `null`, `"GET"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := isHTTPEvent(b)
		if json.Valid(b) {
			assert.Equal(t, isHTTPEventReference(b), got, "%q", b)
		}
	})
}

// The answer's buffer is sized for a presign answer: written without
// regrowing, so one allocation.
func TestAppendResponseSizing(t *testing.T) {
	h := newTestHandler(t)
	ctx := scfContext("size")
	for _, name := range []string{"url-presign", "apigw-presign", "apigw-auth"} {
		req, err := toRequest(ctx, mustRead(t, name+".json"))
		require.NoError(t, err)
		resp := h.svc.Serve(ctx, req)
		out := appendResponse(nil, resp)
		assert.Equal(t, 1.0, testing.AllocsPerRun(20, func() { appendResponse(nil, resp) }), name)
		assert.LessOrEqual(t, cap(out)-len(out), 192, "%s: not much more room than needed", name)
	}
}
