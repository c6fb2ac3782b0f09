package authtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

// The tokens are judged by the real verifier, as the suites using them are.
func TestTokensAgainstTheVerifier(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a, err := auth.FromEnv(authtest.Getenv(authtest.HS256Env(authtest.Secret)))
	require.NoError(t, err)
	require.Equal(t, "jwt", a.Mode())

	at := authtest.MintedAt(now)
	cases := []struct {
		name   string
		token  string
		reason string // empty: accepted as user-1
	}{
		{name: "valid", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at)},
		{name: "extra claim", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.WithClaim("scope", "upload"))},
		{name: "expired", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.Expired()), reason: "token expired"},
		{name: "not yet valid", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.NotYetValid()), reason: "token not valid yet"},
		{name: "wrong audience", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.WithAudience("another-app")), reason: "token audience not accepted"},
		{name: "wrong issuer", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.WithIssuer("https://evil.invalid/")), reason: "token issuer not accepted"},
		{name: "no expiry", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.WithoutExpiry()), reason: "token has no expiry (exp claim is required)"},
		{name: "wrongly signed", token: authtest.Token(t, authtest.Secret, "user-1", time.Minute, at, authtest.SignedWith(authtest.Secret+"-other")), reason: "token signature or algorithm not accepted"},
		{name: "alg none", token: authtest.Token(t, "", "user-1", time.Minute, at, authtest.AlgNone()), reason: "token signature or algorithm not accepted"},
		{name: "no subject", token: authtest.Token(t, authtest.Secret, "", time.Minute, at), reason: `token has no identity claim "sub"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := a.Authenticate(authtest.Bearer(tc.token), nil, now)
			if tc.reason != "" {
				require.EqualError(t, err, tc.reason)
				assert.Nil(t, id)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "user-1", id.Subject)
		})
	}
}

func TestTokenTTL(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a, err := auth.FromEnv(authtest.Getenv(authtest.HS256Env(authtest.Secret)))
	require.NoError(t, err)
	tok := authtest.Token(t, authtest.Secret, "user-1", 10*time.Minute, authtest.MintedAt(now))
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(9*time.Minute))
	require.NoError(t, err)
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(12*time.Minute))
	require.EqualError(t, err, "token expired")
}

func TestDefaultClockIsNow(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(authtest.HS256Env(authtest.Secret)))
	require.NoError(t, err)
	id, err := a.Authenticate(authtest.Bearer(authtest.Token(t, authtest.Secret, "user-1", time.Minute)), nil, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "user-1", id.Subject)
}

func TestHS256EnvRefusesShortSecret(t *testing.T) {
	// The helper passes the secret through; the verifier's own rule applies.
	_, err := auth.FromEnv(authtest.Getenv(authtest.HS256Env("short")))
	require.ErrorContains(t, err, "AUTH_JWT_SECRET")
}
