package hostiletest

import (
	"bytes"
	"encoding/json"
	"path"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
)

// DirectEvent turns a case into a direct invocation (the plain JSON event
// a workflow sends: the request body with "action" naming the route), when
// the case means the same thing that way: a POST of a JSON object to a
// route, with no query, no caller token (direct invocations carry no
// headers) and no transport encoding. ok is false for the others.
func DirectEvent(c Case) (event []byte, ok bool) {
	r := c.Request
	if r.Method != "POST" || len(r.Query) > 0 || r.Base64 || r.RawBase64Body != "" || len(CallerTokens(r)) > 0 {
		return nil, false
	}
	for k := range r.Header {
		if !strings.EqualFold(k, "content-type") {
			return nil, false
		}
	}
	if ct := r.Header["Content-Type"]; ct != "" && ct != "application/json" {
		return nil, false
	}
	if c.Env["AUTH_MODE"] != "" {
		return nil, false
	}
	action := path.Base(r.Path)
	switch action {
	case "auth", "presign", "download", "post-policy", "batch":
	default:
		return nil, false
	}
	if c.Expect.Status == 405 || c.Expect.Status == 204 || c.Expect.Code == "ActionMismatch" || c.Expect.Code == "UnknownRoute" {
		return nil, false // about the HTTP method or the path
	}
	var body map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	if dec.Decode(&body) != nil || dec.More() || body == nil {
		return nil, false
	}
	if _, has := body["action"]; has {
		return nil, false
	}
	a, _ := json.Marshal(action)
	body["action"] = a
	event, err := json.Marshal(body)
	if err != nil {
		return nil, false
	}
	if len(r.Body) > MaxBodyBytes {
		// Keep an oversized body oversized once the action is added.
		return event, true
	}
	return event, len(event) <= MaxBodyBytes
}

// DirectResult is what a direct invocation came back with: the answer, or
// the failure's code, message and (when the platform reports one) status.
type DirectResult struct {
	Answer  []byte
	Failed  bool
	Code    string
	Message string
	Status  int // 0 when the platform's failure carries none
}

// DirectServer invokes p's handler with a direct event.
type DirectServer func(t testing.TB, event []byte) DirectResult

// DirectBuilder builds p's handler for direct invocations.
type DirectBuilder func(t testing.TB, getenv func(string) string, opts service.Options) DirectServer

// RunDirect pushes every case that has a direct form (DirectEvent) through
// p's handler as a direct invocation: a refusal must fail the invocation
// with the same code (and status, when reported), anything else must
// answer.
func RunDirect(t *testing.T, p Platform, build DirectBuilder) {
	byEnv := map[string]DirectServer{}
	ran := 0
	for _, c := range Cases(t) {
		event, ok := DirectEvent(c)
		if !ok {
			continue
		}
		ran++
		t.Run(c.Name, func(t *testing.T) {
			env := Environ(c.Env)
			key := EnvKey(env)
			srv, ok := byEnv[key]
			if !ok {
				srv = build(t, func(n string) string { return env[n] }, Options(nil))
				byEnv[key] = srv
			}
			res := invokeDirect(t, srv, event)
			resp := Response{Status: 200, Body: res.Answer}
			if res.Failed {
				body, err := json.Marshal(map[string]any{"error": map[string]string{"code": res.Code, "message": res.Message}})
				require.NoError(t, err)
				resp = Response{Status: res.Status, Body: body}
				if res.Status == 0 {
					resp.Status = c.ExpectOn(p).Status // the platform reports no status: the code must do
				}
			}
			Check(t, c, p, resp)
		})
	}
	require.Greater(t, ran, 100)
}

func invokeDirect(t testing.TB, srv DirectServer, event []byte) (res DirectResult) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("the handler panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return srv(t, event)
}
