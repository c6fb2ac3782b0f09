package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/localdev"
)

var now = time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)

func mint(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, authtest.Getenv(env), now, &out, &errOut)
	return strings.TrimSpace(out.String()), errOut.String(), code
}

// make token SUB=alice prints one token, which the service that
// AUTH_MODE=jwt make run configures (the local secret, issuer and
// audience) accepts as alice for its lifetime, and not after.
func TestTokenIsWhatMakeRunAccepts(t *testing.T) {
	tok, _, code := mint(t, nil, "-sub", "alice")
	require.Equal(t, 0, code)
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": localdev.Secret,
		"AUTH_JWT_ISSUER": localdev.Issuer, "AUTH_JWT_AUDIENCE": localdev.Audience}))
	require.NoError(t, err)
	id, err := a.Authenticate(authtest.Bearer(tok), nil, now.Add(59*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "alice", id.Subject)
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(62*time.Minute))
	require.EqualError(t, err, "token expired", "short-lived: an hour by default")

	tok, _, code = mint(t, nil, "-sub", "bob", "-ttl", "5m")
	require.Equal(t, 0, code)
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(7*time.Minute))
	require.EqualError(t, err, "token expired")
}

// With the developer's own AUTH_JWT_* set, the token is for that service.
func TestTokenUsesTheConfiguredSecret(t *testing.T) {
	env := map[string]string{"AUTH_JWT_SECRET": authtest.Secret, "AUTH_JWT_ISSUER": authtest.Issuer, "AUTH_JWT_AUDIENCE": authtest.Audience + ", other"}
	tok, _, code := mint(t, env, "-sub", "carol")
	require.Equal(t, 0, code)
	a, err := auth.FromEnv(authtest.Getenv(authtest.HS256Env(authtest.Secret)))
	require.NoError(t, err)
	id, err := a.Authenticate(authtest.Bearer(tok), nil, now)
	require.NoError(t, err)
	assert.Equal(t, "carol", id.Subject)
}

func TestTokenRefusesWhatItCannotMint(t *testing.T) {
	for _, args := range [][]string{{}, {"-sub", " "}, {"-sub", "a", "-ttl", "48h"}, {"-sub", "a", "-ttl", "-1m"}, {"-sub", "a", "-ttl", "soon"}} {
		out, errOut, code := mint(t, nil, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.NotEmpty(t, errOut, "%v", args)
	}
}
