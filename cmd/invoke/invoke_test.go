package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

func TestPlatformOfReadsTheEventDirectory(t *testing.T) {
	for path, want := range map[string]string{
		"events/scf/url-presign.json":     "scf",
		"../events/lambda/v2-auth.json":   "lambda",
		"/abs/events/web/healthz.json":    "web",
		"events/scf/../web/x.json":        "web",
		"testdata/scf/anything-else.json": "scf",
	} {
		got, err := platformOf(path)
		require.NoError(t, err, path)
		assert.Equal(t, want, got, path)
	}
	_, err := platformOf("events/env.json")
	assert.ErrorContains(t, err, "PLATFORM=")
}

// An event under events/gateway/ runs with events/gateway/env.json, the
// others with events/env.json.
func TestEventsRunWithTheirOwnEnvironment(t *testing.T) {
	root, err := runtimeharness.ModuleRoot()
	require.NoError(t, err)
	for event, want := range map[string]string{
		"events/gateway/lambda/v2-jwt-presign.json": "events/gateway/env.json",
		"events/lambda/v2-presign.json":             "events/env.json",
		"/elsewhere/my-event.json":                  "events/env.json",
	} {
		assert.Equal(t, filepath.Join(root, want), envFileOf(root, filepath.Join(root, event)), event)
	}
	inv, err := prepare(config{event: filepath.Join(root, "events/gateway/lambda/v2-jwt-presign.json"), callerEnv: []string{}}, io.Discard)
	require.NoError(t, err)
	assert.Contains(t, inv.env, "AUTH_MODE=gateway")
}

func TestEnvironmentPutsTheCallersConfigurationOnTop(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "env.json")
	require.NoError(t, os.WriteFile(envFile, []byte(`{"COS_BUCKET":"a-1250000000","SIGN_MAX_EXPIRED":"60"}`), 0o644))
	env, overridden, err := environment(envFile, []string{"COS_BUCKET=b-1250000000", "HOME=/root", "AUTH_MODE=jwt", "PATH=/bin", "TENCENTCLOUD_SECRETID=x"})
	require.NoError(t, err)
	assert.Equal(t, []string{"AUTH_MODE=jwt", "COS_BUCKET=b-1250000000", "SIGN_MAX_EXPIRED=60", "TENCENTCLOUD_SECRETID=x"}, env)
	assert.Equal(t, []string{"AUTH_MODE", "COS_BUCKET", "TENCENTCLOUD_SECRETID"}, overridden)

	require.NoError(t, os.WriteFile(envFile, []byte(`["not an object"]`), 0o644))
	_, _, err = environment(envFile, nil)
	assert.Error(t, err)
}

func TestJSONBodyDecodesOnlyPlainJSONBodies(t *testing.T) {
	assert.JSONEq(t, `{"a":1}`, string(jsonBody([]byte(`{"statusCode":200,"body":"{\"a\":1}"}`))))
	assert.Nil(t, jsonBody([]byte(`{"statusCode":200,"body":"eyJhIjoxfQ==","isBase64Encoded":true}`)))
	assert.Nil(t, jsonBody([]byte(`{"statusCode":302,"body":""}`)))
	assert.Nil(t, jsonBody([]byte(`{"url":"https://x"}`)))
}

// TestInvokeRunsTheRealSCFBinary builds functions/scf and sends it a
// sample event over the runtime's RPC protocol.
func TestInvokeRunsTheRealSCFBinary(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	event := filepath.Join(root, "events", "scf", "url-healthz.json")
	// A renamed or deleted sample fails here: a skip would let this test go
	// quiet for good.
	require.FileExists(t, event, "the sample event this test invokes")
	var stdout, stderr bytes.Buffer
	cfg := config{event: event, timeout: 20 * time.Second, binDir: t.TempDir(), callerEnv: []string{"COS_SECRET_KEY=callerSecretNotPrinted"}}
	require.NoError(t, run(context.Background(), cfg, &stdout, &stderr), stderr.String())

	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &resp), stdout.String())
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, resp.Body, `"status"`)
	assert.Contains(t, stdout.String(), "\n  \"statusCode\"", "pretty-printed")
	assert.Contains(t, stderr.String(), "from your environment: COS_SECRET_KEY")
	assert.NotContains(t, stderr.String()+stdout.String(), "callerSecretNotPrinted")
	assert.Contains(t, stderr.String(), "----- function log (scf) -----")
}

func TestInvokeRefusesWhatItCannotRun(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "scf", "x.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(notJSON), 0o755))
	require.NoError(t, os.WriteFile(notJSON, []byte("{"), 0o644))
	var out bytes.Buffer
	assert.ErrorContains(t, run(context.Background(), config{event: notJSON}, &out, &out), "not JSON")
	assert.ErrorContains(t, run(context.Background(), config{event: notJSON, platform: "gcp"}, &out, &out), "not JSON")
	ok := filepath.Join(dir, "x.json")
	require.NoError(t, os.WriteFile(ok, []byte("{}"), 0o644))
	assert.ErrorContains(t, run(context.Background(), config{event: ok, platform: "gcp"}, &out, &out), `platform "gcp"`)
	assert.ErrorContains(t, run(context.Background(), config{event: ok}, &out, &out), "PLATFORM=")
}

// TestInvokeFailsWhenTheInvocationFails: a direct invocation with bad input
// fails on the platform's error path; invoke prints the error and returns
// an error, so `make invoke` exits non-zero (checked through make itself).
func TestInvokeFailsWhenTheInvocationFails(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	event := filepath.Join(root, "events", "scf", "direct-error-missing-key.json")
	var stdout, stderr bytes.Buffer
	cfg := config{event: event, timeout: 20 * time.Second, binDir: t.TempDir(), callerEnv: []string{}}
	err = run(context.Background(), cfg, &stdout, &stderr)
	require.ErrorIs(t, err, errInvocationFailed, stderr.String())
	assert.Contains(t, err.Error(), "MissingKey")
	assert.Contains(t, stdout.String(), "MissingKey", "the error is printed, not only the exit status")
	assert.Contains(t, stderr.String(), "----- invocation failed (scf error path) -----")

	if testing.Short() {
		return
	}
	// Through make, with the invoke cache in a temporary directory (and the
	// build cache where it is, so nothing is compiled twice).
	goenv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	caches := strings.Fields(string(goenv))
	require.Len(t, caches, 2)
	cmd := exec.Command("make", "-s", "invoke", "EVENT=events/scf/direct-error-missing-key.json")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "GOCACHE="+caches[0], "GOMODCACHE="+caches[1], "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "make invoke must fail: %s", out)
	assert.NotZero(t, exit.ExitCode())
	assert.Contains(t, string(out), "invoke: the invocation failed: ")
}
