package e2e

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// badValues are configurations the signer alone would accept and sign
// broken URLs with; each must stop every binary, naming the variable.
var badValues = []struct {
	vars map[string]string
	says string
}{
	{map[string]string{"COS_REGION": "cos.ap-guangzhou.myqcloud.com"}, `COS_REGION: \"cos.ap-guangzhou.myqcloud.com\" is a host, not a region`},
	{map[string]string{"COS_REGION": "ap-guangzhuo"}, "did you mean ap-guangzhou?"},
	{map[string]string{"COS_BUCKET": "mybucket"}, `COS_BUCKET: \"mybucket\" is not a bucket as COS names it: name-APPID`},
	{map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com/upload"}, `CORS_ALLOWED_ORIGINS: \"https://app.example.com/upload\" is not an origin`},
	{map[string]string{"AUTH_MODE": "gateway", "SIGN_KEY_PREFIXES": ""}, "SIGN_KEY_PREFIXES is empty with AUTH_MODE=gateway"},
}

// TestBadConfigurationStopsEveryBinary: the event functions exit at start
// with the error in their log (the platform reports an init failure); the
// web server logs it and answers it on /healthz and every route.
func TestBadConfigurationStopsEveryBinary(t *testing.T) {
	ctx := context.Background()
	for _, bad := range badValues {
		env := eventtest.Env(t)
		for k, v := range bad.vars {
			env[k] = v
		}
		opts := runtimeharness.Options{Env: envList(env)}

		_, err := runtimeharness.StartSCF(ctx, scfBinary.get(t), opts)
		require.Error(t, err, "scf starts with %v", bad.vars)
		assert.Contains(t, err.Error(), "configuration error", "scf")
		assert.Contains(t, err.Error(), bad.says, "scf")

		l, err := runtimeharness.StartLambda(ctx, lambdaBinary.get(t), opts)
		require.NoError(t, err)
		err = l.Ready(ctx)
		l.Close()
		require.Error(t, err, "lambda starts with %v", bad.vars)
		assert.Contains(t, err.Error(), bad.says, "lambda")

		w, err := runtimeharness.StartWeb(ctx, webBinary.get(t), opts)
		require.NoError(t, err, "the web server keeps listening to say what is wrong")
		for _, path := range []string{"/healthz", "/presign?key=a.txt"} {
			resp, err := w.Client.Get(w.URL + path)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, 503, resp.StatusCode, "%s: %s", path, body)
			assert.Contains(t, string(body), `"code":"ConfigurationError"`, path)
			assert.Contains(t, string(body), bad.says, path)
		}
		w.Close()
		assert.Contains(t, w.Log(), "CONFIGURATION ERROR", "the banner says so")
		assert.Contains(t, strings.ReplaceAll(w.Log(), `\"`, `"`), strings.ReplaceAll(bad.says, `\"`, `"`), "web log")
	}
}
