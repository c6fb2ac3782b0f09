package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// TestRuntimeChild is main() in a child process for
// TestRuntimeAPIRoundTrip; on its own it does nothing.
func TestRuntimeChild(t *testing.T) {
	if os.Getenv("COS_SIGNER_LAMBDA_CHILD") != "1" {
		t.Skip("runs only as TestRuntimeAPIRoundTrip's child")
	}
	main() // never returns: the parent kills the process
}

// TestRuntimeAPIRoundTrip runs main() against a fake Lambda Runtime API, so
// aws-lambda-go's real invoke loop carries the answers: a direct invocation
// that fails must reach /error with errorType = the service's code, and an
// HTTP API event must reach /response. Nothing secret may reach the logs.
func TestRuntimeAPIRoundTrip(t *testing.T) {
	if os.Getenv("COS_SIGNER_LAMBDA_CHILD") == "1" {
		t.Skip("child")
	}
	dir := eventtest.Dir(t, "lambda")
	failing, err := os.ReadFile(dir + "/direct-error-refused-key.json")
	require.NoError(t, err)
	ok, err := os.ReadFile(dir + "/v2-presign.json")
	require.NoError(t, err)
	queue := [][]byte{failing, ok}

	var mu sync.Mutex
	posted := map[string][]byte{}
	done := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	next := 0
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := next
		next++
		mu.Unlock()
		if i >= len(queue) {
			<-r.Context().Done() // no more events: hold the poll
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-"+strconv.Itoa(i))
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:cos-signer")
		w.Write(queue[i])
	})
	record := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			posted[r.PathValue("id")+" "+kind] = b
			n := len(posted)
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			if n == len(queue) {
				once.Do(func() { close(done) })
			}
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", record("response"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", record("error"))
	api := httptest.NewServer(mux)
	defer api.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestRuntimeChild$")
	// The child sees events/env.json, not the developer's own COS_*/SIGN_*/….
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COS_") && !strings.HasPrefix(kv, "SIGN_") && !strings.HasPrefix(kv, "AUTH_") &&
			!strings.HasPrefix(kv, "CORS_") && !strings.HasPrefix(kv, "TENCENTCLOUD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "COS_SIGNER_LAMBDA_CHILD=1", "AWS_LAMBDA_RUNTIME_API="+api.Listener.Addr().String())
	env := eventtest.Env(t)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	require.NoError(t, cmd.Start())
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the function did not answer both events; output:\n%s", stderr.String())
	}

	// Stop the child and let os/exec drain its output before reading it.
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	mu.Lock()
	defer mu.Unlock()
	var failure eventtest.InvokeFailure
	require.Contains(t, posted, "req-0 error", "the failing direct invocation goes to /error")
	require.NoError(t, json.Unmarshal(posted["req-0 error"], &failure))
	assert.Equal(t, "KeyNotAllowed", failure.Type)
	assert.Contains(t, failure.Message, "private/payroll.xlsx")

	require.Contains(t, posted, "req-1 response")
	a, err := eventtest.LambdaResponse(posted["req-1 response"])
	require.NoError(t, err)
	assert.Equal(t, 200, a.Status)
	assert.Contains(t, string(a.Body), "q-signature=")

	logs := stderr.String()
	var v2 struct {
		RequestContext struct{ RequestID string } `json:"requestContext"`
	}
	require.NoError(t, json.Unmarshal(ok, &v2))
	assert.Contains(t, logs, `"requestId":"`+v2.RequestContext.RequestID+`"`, "the request is logged with the gateway's request id")
	assert.NotContains(t, logs, env["COS_SECRET_KEY"])
	assert.NotContains(t, logs, "q-signature")
}
