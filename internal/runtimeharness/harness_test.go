package runtimeharness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Floor binaries, built on first use (so `go test -list` builds nothing)
// and removed after the run.
var (
	floorOnce                                   sync.Once
	floorDir                                    string
	floorErr                                    error
	floorSCFPath, floorLambdaPath, floorWebPath string
)

func floors(t *testing.T) (scf, lambda, web string) {
	t.Helper()
	floorOnce.Do(func() {
		if floorDir, floorErr = os.MkdirTemp("", "runtimeharness-"); floorErr != nil {
			return
		}
		floorSCFPath, floorLambdaPath, floorWebPath = filepath.Join(floorDir, "main"), filepath.Join(floorDir, "bootstrap"), filepath.Join(floorDir, "server")
		for _, b := range []Build{
			{Package: "./internal/runtimeharness/testdata/floorscf", Output: floorSCFPath},
			{Package: "./internal/runtimeharness/testdata/floorlambda", Output: floorLambdaPath, Tags: []string{"lambda.norpc"}},
			{Package: "./internal/runtimeharness/testdata/floorweb", Output: floorWebPath},
		} {
			if floorErr = b.Run(context.Background()); floorErr != nil {
				return
			}
		}
	})
	require.NoError(t, floorErr, "building the floor binaries")
	return floorSCFPath, floorLambdaPath, floorWebPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if floorDir != "" {
		os.RemoveAll(floorDir)
	}
	os.Exit(code)
}

type hello struct {
	Hello string `json:"hello"`
	Env   string `json:"env"`
}

func decodeHello(t *testing.T, payload []byte) hello {
	t.Helper()
	var h hello
	require.NoError(t, json.Unmarshal(payload, &h), "payload %s", payload)
	return h
}

// requireGone asserts the process group no longer exists.
func requireGone(t *testing.T, p *process) {
	t.Helper()
	select {
	case <-p.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("process still running after Close")
	}
	err := syscall.Kill(-p.cmd.Process.Pid, 0)
	assert.ErrorIs(t, err, syscall.ESRCH, "process group still exists")
}

func TestSCFInvokesThroughRPC(t *testing.T) {
	ctx := context.Background()
	s, err := StartSCF(ctx, floorSCFBin(t), Options{Env: []string{"GREETING=hi"}})
	require.NoError(t, err)
	defer s.Close()

	// A handler that checks ctx.Err() answers: the deadline is in the future.
	off := s.LogOffset()
	payload, err := s.Invoke(ctx, []byte(`{"name":"cos","env":"GREETING"}`))
	require.NoError(t, err)
	assert.Equal(t, hello{Hello: "cos", Env: "hi"}, decodeHello(t, payload))
	// Output is copied from the child asynchronously.
	assert.Eventually(t, func() bool { return strings.Contains(s.LogSince(off), "hello cos") }, 2*time.Second, time.Millisecond)

	// The same process answers again (warm).
	payload, err = s.Invoke(ctx, []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "world", decodeHello(t, payload).Hello)

	// The runtime's own variables are set.
	payload, err = s.Invoke(ctx, []byte(`{"env":"FUNCTION_NAME"}`))
	require.NoError(t, err)
	assert.Equal(t, SCFFunctionName, decodeHello(t, payload).Env)
}

func TestSCFFunctionErrorAndPanic(t *testing.T) {
	ctx := context.Background()
	s, err := StartSCF(ctx, floorSCFBin(t), Options{})
	require.NoError(t, err)
	defer s.Close()

	_, err = s.Invoke(ctx, []byte(`{"fail":"InvalidKey"}`))
	fe, ok := AsFunctionError(err)
	require.True(t, ok, "want a FunctionError, got %v", err)
	assert.Equal(t, "InvalidKey", fe.Message)
	assert.False(t, fe.ShouldExit)

	_, err = s.Invoke(ctx, []byte(`{"fail":`))
	fe, ok = AsFunctionError(err)
	require.True(t, ok, "broken JSON fails the invocation, got %v", err)
	assert.NotEmpty(t, fe.Type)

	_, err = s.Invoke(ctx, []byte(`{"panic":true}`))
	fe, ok = AsFunctionError(err)
	require.True(t, ok, "got %v", err)
	assert.True(t, fe.ShouldExit)
	assert.Contains(t, fe.Message, "asked to panic")

	s.Close()
	requireGone(t, s.process)
}

func TestSCFStartFailsWhenTheBinaryExits(t *testing.T) {
	_, err := StartSCF(context.Background(), "/bin/false", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited")

	_, err = StartSCF(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{})
	require.Error(t, err)
}

func TestSCFStartTimesOut(t *testing.T) {
	start := time.Now()
	_, err := StartSCF(context.Background(), "/bin/sleep", Options{Args: []string{"30"}, Timeout: 200 * time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not ready")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestLambdaInvokesThroughRuntimeAPI(t *testing.T) {
	ctx := context.Background()
	l, err := StartLambda(ctx, floorLambdaBin(t), Options{Env: []string{"GREETING=hi"}})
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, l.Ready(ctx))

	off := l.LogOffset()
	payload, err := l.Invoke(ctx, []byte(`{"name":"cos","env":"GREETING"}`))
	require.NoError(t, err)
	assert.Equal(t, hello{Hello: "cos", Env: "hi"}, decodeHello(t, payload))
	assert.Eventually(t, func() bool { return strings.Contains(l.LogSince(off), "hello cos") }, 2*time.Second, time.Millisecond)

	payload, err = l.Invoke(ctx, []byte(`{"env":"AWS_LAMBDA_FUNCTION_NAME"}`))
	require.NoError(t, err)
	assert.Equal(t, "cos-signer", decodeHello(t, payload).Env)
}

func TestLambdaErrorPathCarriesTheErrorType(t *testing.T) {
	ctx := context.Background()
	l, err := StartLambda(ctx, floorLambdaBin(t), Options{})
	require.NoError(t, err)
	defer l.Close()

	_, err = l.Invoke(ctx, []byte(`{"fail":"InvalidKey"}`))
	fe, ok := AsFunctionError(err)
	require.True(t, ok, "want a FunctionError, got %v", err)
	assert.Equal(t, "InvalidKey", fe.Type)
	assert.Equal(t, "asked to fail", fe.Message)

	// Still serving after a function error.
	payload, err := l.Invoke(ctx, []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "world", decodeHello(t, payload).Hello)

	// A panic is reported on /error, then the bootstrap exits.
	_, err = l.Invoke(ctx, []byte(`{"panic":true}`))
	fe, ok = AsFunctionError(err)
	require.True(t, ok, "got %v", err)
	assert.Contains(t, fe.Message, "asked to panic")
	select {
	case <-l.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("bootstrap kept running after a panic")
	}
	_, err = l.Invoke(ctx, []byte(`{}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited")
}

func TestLambdaInvokeTimesOutWhenNobodyPolls(t *testing.T) {
	l, err := StartLambda(context.Background(), "/bin/sleep", Options{Args: []string{"30"}, Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	_, err = l.Invoke(context.Background(), []byte(`{}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deadline exceeded")
	assert.Less(t, time.Since(start), 5*time.Second)
	l.Close()
	requireGone(t, l.process)
}

func TestLambdaRuntimeAPIRefusesUnknownRequestID(t *testing.T) {
	l, err := StartLambda(context.Background(), "/bin/sleep", Options{Args: []string{"30"}})
	require.NoError(t, err)
	defer l.Close()
	url := "http://" + l.listener.Addr().String() + "/2018-06-01/runtime/invocation/nope/response"
	resp, err := httpPost(url, `{}`)
	require.NoError(t, err)
	assert.Equal(t, 400, resp)

	url = "http://" + l.listener.Addr().String() + "/2018-06-01/runtime/init/error"
	resp, err = httpPost(url, `{"errorType":"Runtime.Boom","errorMessage":"cannot start"}`)
	require.NoError(t, err)
	assert.Equal(t, 202, resp)
	_, err = l.Invoke(context.Background(), []byte(`{}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Runtime.Boom")
}

func TestWebServesOverHTTP(t *testing.T) {
	w, err := StartWeb(context.Background(), floorWebBin(t), Options{})
	require.NoError(t, err)
	defer w.Close()
	resp, err := w.Client.Get(w.URL + "/healthz")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"hello":"world","path":"/healthz"}`, string(body))
	_, err = w.CPUTime()
	assert.NoError(t, err)
	w.Close()
	requireGone(t, w.process)
	// After Close the log is complete.
	assert.Contains(t, w.Log(), "hello GET /healthz")
}

func TestStatCPUTime(t *testing.T) {
	// A command name with spaces and a parenthesis; utime 250 and stime 30
	// ticks.
	line := "4242 (a b) c) S 1 4242 4242 0 -1 4194560 120 0 0 0 250 30 0 0 20 0 5 0 9000 1000000 300 18446744073709551615\n"
	d, err := statCPUTime([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, 2800*time.Millisecond, d)
	_, err = statCPUTime([]byte("4242 (x) S 1"))
	assert.Error(t, err)
}

func floorSCFBin(t *testing.T) string    { s, _, _ := floors(t); return s }
func floorLambdaBin(t *testing.T) string { _, l, _ := floors(t); return l }
func floorWebBin(t *testing.T) string    { _, _, w := floors(t); return w }

func TestStartRetriesWhenThePortIsTaken(t *testing.T) {
	calls := 0
	_, err := retryPortClash(func() (int, error) {
		calls++
		return 0, fmt.Errorf("listen tcp 0.0.0.0:1234: bind: address already in use")
	})
	require.Error(t, err)
	assert.Equal(t, 3, calls)

	calls = 0
	v, err := retryPortClash(func() (int, error) {
		calls++
		if calls == 1 {
			return 0, fmt.Errorf("bind: address already in use")
		}
		return 7, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 7, v)

	calls = 0
	_, err = retryPortClash(func() (int, error) { calls++; return 0, fmt.Errorf("exec format error") })
	require.Error(t, err)
	assert.Equal(t, 1, calls, "other failures are not retried")
}
