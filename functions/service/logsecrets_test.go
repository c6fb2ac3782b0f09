package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/hostiletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogHoldsNoSecretsCore(t *testing.T) { hostiletest.RunLogSecrets(t, core, buildCore) }

// panicking is a caller check with a bug: it panics holding the caller's
// token, by the runtime (an index out of range) or with the token as its
// panic value.
type panicking struct{ withValue bool }

func (panicking) Mode() string { return "panicking" }

func (p panicking) Authenticate(h map[string]string, _ map[string]any, _ time.Time) (*auth.Identity, error) {
	return nil, explode(h["authorization"], p.withValue)
}

//go:noinline
func explode(token string, withValue bool) error {
	if withValue {
		panic("cannot read " + token)
	}
	var parts []string
	_ = parts[len(token)%7]
	return nil
}

// TestPanicLogsStackWithoutSecrets: a recovered panic is logged with the
// stack that raised it, so the bug can be found, and the line holds neither
// the service's credentials nor the caller's token, though the panicking
// frame held it: a stack shows a string argument as a pointer and a length,
// and a panic value that is not the runtime's is logged by its type only.
func TestPanicLogsStackWithoutSecrets(t *testing.T) {
	const token = "Bearer callerToken-4f0c2a9e7b5d3f1a8c6e4b2d0f9a7c5e"
	for _, withValue := range []bool{false, true} {
		var buf bytes.Buffer
		env := hostiletest.BaseEnv()
		cfg, err := service.LoadConfig(func(k string) string { return env[k] })
		require.NoError(t, err)
		cfg.Auth = panicking{withValue: withValue}
		svc, err := service.New(cfg, hostiletest.Options(slog.New(slog.NewJSONHandler(&buf, nil))))
		require.NoError(t, err)

		resp := svc.Serve(context.Background(), &service.Request{Method: "POST", Path: "/presign",
			Header: map[string]string{"authorization": token, "content-type": "application/json"}, Body: []byte(`{"key":"public/a.txt"}`)})
		require.Equal(t, 500, resp.Status, "%s", resp.Body)

		log := buf.String()
		var line struct{ Msg, RequestID, Panic, Stack string }
		for l := range strings.Lines(log) {
			if strings.Contains(l, `"msg":"panic"`) {
				require.NoError(t, json.Unmarshal([]byte(l), &line))
			}
		}
		require.Equal(t, "panic", line.Msg, "a panic line in %s", log)
		assert.Equal(t, resp.Header["X-Request-Id"], line.RequestID)
		assert.Contains(t, line.Stack, "service_test.explode(", "the stack names the panicking frame")
		assert.Contains(t, line.Stack, "service.(*Service).handle(", "and the frames that called it")
		if withValue {
			assert.Equal(t, "string", line.Panic, "a panic value of the code's own is logged by its type")
		} else {
			assert.Contains(t, line.Panic, "index out of range", "the runtime's panics say what failed")
		}
		problems, _ := hostiletest.LogProblems(log, []string{hostiletest.SecretKey, hostiletest.SessionToken, token[len("Bearer "):]})
		assert.Empty(t, problems)
	}
}
