package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// TestCallerTokenReachesTheService: with AUTH_MODE=jwt the caller's bearer
// token travels in the gateway event's headers, whatever their letter case.
func TestCallerTokenReachesTheService(t *testing.T) {
	env := eventtest.Env(t)
	for k, v := range authtest.HS256Env(authtest.Secret) {
		env[k] = v
	}
	env["SIGN_ALLOW_ANONYMOUS_WRITES"] = "false"
	env["SIGN_KEY_PREFIXES"] = "users/{sub}/"
	h, err := newHandler(eventtest.Getenv(env), service.Options{Now: func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.NoError(t, err)
	token := authtest.Token(t, authtest.Secret, "u1", time.Hour, authtest.MintedAt(fixedNow))

	event := func(headers map[string]string, key string) []byte {
		b, err := json.Marshal(map[string]any{"httpMethod": "POST", "path": "/presign", "headers": headers,
			"requestContext": map[string]any{"requestId": "r", "stage": "release"},
			"body":           `{"method":"PUT","key":"` + key + `"}`})
		require.NoError(t, err)
		return b
	}
	for name, tc := range map[string]struct {
		event  []byte
		status int
	}{
		"own key":      {event(map[string]string{"Authorization": "Bearer " + token}, "users/u1/a.txt"), 200},
		"another's":    {event(map[string]string{"authorization": "Bearer " + token}, "users/u2/a.txt"), 403},
		"no token":     {event(map[string]string{}, "users/u1/a.txt"), 401},
		"forged token": {event(map[string]string{"Authorization": "Bearer " + authtest.Token(t, authtest.Secret, "u1", time.Hour, authtest.MintedAt(fixedNow), authtest.SignedWith("another-secret-0123456789abcdef-xyz"))}, "users/u1/a.txt"), 401},
	} {
		out, err := h.invoke(scfContext("ctx"), tc.event)
		require.NoError(t, err, name)
		a, err := eventtest.SCFResponse(out)
		require.NoError(t, err, name)
		assert.Equal(t, tc.status, a.Status, "%s: %s", name, a.Body)
		assert.NotContains(t, string(a.Body), token, "%s: the token is never echoed", name)
	}
}

// SCF's Function URL and API gateway events carry no caller verified by an
// authorizer: AUTH_MODE=gateway would refuse every signing request, so it
// is refused at start, saying what to use instead.
func TestGatewayModeIsRefusedAtStart(t *testing.T) {
	env := eventtest.Env(t)
	env["AUTH_MODE"] = "gateway"
	_, err := newHandler(eventtest.Getenv(env), service.Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AUTH_MODE=gateway")
	assert.Contains(t, err.Error(), "use AUTH_MODE=jwt")
}
