package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// invoke runs payload through h.handle as cloudfunction.Start runs it.
func (h *handler) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return runAsStart(ctx, h.handle, payload)
}

// runAsStart runs payload through fn the way scf-go-lib's cloudfunction.Start
// does: json.Unmarshal into a new value of the handler's input type, call,
// then json.Marshal the output. (The reflection wrapper is unexported there;
// the runtime tests and e2e run the real one in the built binary.)
func runAsStart(ctx context.Context, fn any, payload []byte) ([]byte, error) {
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
			out, err := h.invoke(scfContext("scf-invoke-"+filepath.Base(c.File)), c.Event)
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
				var ev httpEvent
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
	assert.Equal(t, "$DEFAULT", r.Header["x-qualifier"], "every header, its name lower-cased")
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
		out, err := h.invoke(scfContext("bad-1"), []byte(ev))
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
	_, err := h.invoke(scfContext("bad-2"), []byte(`"just a string"`))
	require.Error(t, err)
	var ie *service.InvokeError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 400, ie.Status)
}

func TestResponseHeadersNeverNull(t *testing.T) {
	out, err := json.Marshal(toResponse(&service.Response{Status: 204}))
	require.NoError(t, err)
	assert.Equal(t, `{"isBase64Encoded":false,"statusCode":204,"headers":{},"body":""}`, string(out))
	bin, err := json.Marshal(toResponse(&service.Response{Status: 200, Body: []byte{0xff, 0x00}}))
	require.NoError(t, err)
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

func TestIsHTTPEvent(t *testing.T) {
	for ev, want := range map[string]bool{`{"httpMethod":"GET"}`: true, `{"HTTPMETHOD":"GET"}`: true, `{"httpMethod":"GET","httpMethod":null}`: false,
		`{"httpMethod":1}`: false, `{"action":"presign"}`: false, `null`: false, `"GET"`: false, `[]`: false} {
		assert.Equal(t, want, isHTTPEvent([]byte(ev)), ev)
	}
}

// FuzzEventRequest: whatever the bytes, an HTTP event that encoding/json
// decodes maps to a request that says what the event says (method, path,
// body with base64 undone, every header under its lower-cased name), or,
// only for a body that is not base64, a readable error; the whole door
// answers it with a gateway response.
func FuzzEventRequest(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(eventtest.Dir(f, "scf"), "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{"httpMethod":"GET","queryString":{"a":true,"b":false,"c":"x","d":["1","2"],"e":[]}}`,
		`{"httpMethod":"GET","queryString":{"a":[1]}}`, `{"httpMethod":"GET","headers":{"A":"1","a":"2"},"Headers":{}}`,
		`{"httpMethod":"GET","requestContext":{"identity":{"secretId":5}}}`, `{"httpMethod":"GET","isBase64Encoded":true,"body":"%%%"}`,
		`{"httpMethod":"GET","headers":{"X-SCF-Remote-Addr":"1.2.3.4"}}`} {
		f.Add([]byte(s))
	}
	h := newTestHandler(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx := scfContext("fuzz")
		var ev httpEvent
		if isHTTPEvent(raw) && json.Unmarshal(raw, &ev) == nil {
			r, err := toRequest(ctx, raw)
			if err != nil {
				require.True(t, ev.IsBase64Encoded, "only a base64 body can fail a decoded event: %v", err)
				require.Equal(t, "the event's body is marked isBase64Encoded but is not base64", err.Error())
			} else {
				assert.Equal(t, ev.Method, r.Method)
				assert.Equal(t, ev.Path, r.Path)
				want := []byte(ev.Body)
				if ev.IsBase64Encoded {
					want, _ = base64.StdEncoding.DecodeString(ev.Body)
				}
				assert.Equal(t, string(want), string(r.Body))
				assert.NotEmpty(t, r.RequestID, "the gateway's request id or the function's")
				for k := range ev.Headers {
					assert.Contains(t, r.Header, strings.ToLower(k))
				}
				for k := range r.Header {
					assert.Equal(t, strings.ToLower(k), k, "header names are lower-case")
				}
				for k, vs := range r.Query {
					assert.NotEmpty(t, vs, "query name %q has a value, empty for a bare flag", k)
				}
			}
		}
		out, err := h.invoke(ctx, raw)
		if err != nil || !isHTTPEvent(raw) {
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
