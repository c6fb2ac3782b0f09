package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

func hsEnv(extra map[string]string) map[string]string {
	m := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": secret}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestJWTAuthenticate(t *testing.T) {
	k := genKeys(t)
	rsaEnv := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkixPEM(t, &k.rsa.PublicKey)}
	ecEnv := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkixPEM(t, &k.ec.PublicKey)}
	jwksEnv := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
		rsaJWK("rsa-1", &k.rsa.PublicKey),
		rsaJWK("rsa-2", &k.rsa2.PublicKey),
		ecJWK("ec-1", &k.ec.PublicKey),
	)}
	audEnv := hsEnv(map[string]string{"AUTH_JWT_AUDIENCE": "cos-signer, other-app", "AUTH_JWT_ISSUER": "https://issuer.test/"})

	rsaPubPEM := pkixPEM(t, &k.rsa.PublicKey)

	cases := []struct {
		name    string
		env     map[string]string
		header  map[string]string
		wantSub string
		reason  string // refused with this reason when not empty
	}{
		{name: "HS256", env: hsEnv(nil), header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")), wantSub: "user-42"},
		{name: "bearer scheme in any case", env: hsEnv(nil),
			header:  map[string]string{"authorization": "bearer  " + sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")},
			wantSub: "user-42"},
		{name: "X-Auth-Token", env: hsEnv(nil),
			header:  map[string]string{"x-auth-token": sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")},
			wantSub: "user-42"},
		{name: "X-Auth-Token with Bearer prefix", env: hsEnv(nil),
			header:  map[string]string{"x-auth-token": "Bearer " + sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")},
			wantSub: "user-42"},
		{name: "X-Auth-Token used when Authorization is another scheme", env: hsEnv(nil),
			header: map[string]string{
				"authorization": "AWS4-HMAC-SHA256 Credential=x",
				"x-auth-token":  sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), ""),
			},
			wantSub: "user-42"},
		{name: "header name not lower-cased", env: hsEnv(nil),
			header:  map[string]string{"Authorization": "Bearer " + sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")},
			wantSub: "user-42"},
		{name: "RS256 PKIX", env: rsaEnv, header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "any-kid")), wantSub: "user-42"},
		{name: "RS256 PKCS1", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkcs1PEM(&k.rsa.PublicKey)},
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "")), wantSub: "user-42"},
		{name: "RS256 PEM flattened with literal \\n", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": strings.ReplaceAll(rsaPubPEM, "\n", `\n`)},
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "")), wantSub: "user-42"},
		{name: "ES256", env: ecEnv, header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec, claims(nil), "")), wantSub: "user-42"},
		{name: "ES256 from certificate", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": certPEM(t, k.ec)},
			header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec, claims(nil), "")), wantSub: "user-42"},
		{name: "JWKS RSA by kid", env: jwksEnv, header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa2, claims(nil), "rsa-2")), wantSub: "user-42"},
		{name: "JWKS EC by kid", env: jwksEnv, header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec, claims(nil), "ec-1")), wantSub: "user-42"},
		{name: "JWKS kid names another key", env: jwksEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa2, claims(nil), "rsa-1")), reason: "token signature or algorithm not accepted"},
		{name: "JWKS unknown kid", env: jwksEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "rotated-away")), reason: "token signature or algorithm not accepted"},
		{name: "JWKS no kid with several keys", env: jwksEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "JWKS no kid with one key", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t, ecJWK("only", &k.ec.PublicKey))},
			header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec, claims(nil), "")), wantSub: "user-42"},
		{name: "JWKS kid of an EC key on an RS256 token", env: jwksEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "ec-1")), reason: "token signature or algorithm not accepted"},
		{name: "JWKS non-string kid", env: jwksEnv,
			header: authtest.Bearer(func() string {
				tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims(nil))
				tok.Header["kid"] = 7
				s, err := tok.SignedString(k.rsa)
				require.NoError(t, err)
				return s
			}()), reason: "token signature or algorithm not accepted"},

		{name: "missing token", env: hsEnv(nil), header: map[string]string{}, reason: "missing bearer token (Authorization: Bearer … or X-Auth-Token)"},
		{name: "nil header", env: hsEnv(nil), header: nil, reason: "missing bearer token (Authorization: Bearer … or X-Auth-Token)"},
		{name: "Bearer without token", env: hsEnv(nil), header: map[string]string{"authorization": "Bearer   "}, reason: "missing bearer token (Authorization: Bearer … or X-Auth-Token)"},
		{name: "Basic scheme", env: hsEnv(nil), header: map[string]string{"authorization": "Basic dXNlcjpwYXNz"}, reason: "missing bearer token (Authorization: Bearer … or X-Auth-Token)"},
		{name: "malformed", env: hsEnv(nil), header: authtest.Bearer("not-a-jwt"), reason: "malformed token"},
		{name: "malformed base64", env: hsEnv(nil), header: authtest.Bearer("a$b.c$d.e$f"), reason: "malformed token"},
		{name: "too large", env: hsEnv(nil), header: authtest.Bearer(strings.Repeat("a", 9000)), reason: "token too large"},

		{name: "expired beyond leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": now.Add(-61 * time.Second).Unix()}), "")), reason: "token expired"},
		{name: "expired within leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": now.Add(-30 * time.Second).Unix()}), "")), wantSub: "user-42"},
		{name: "nbf beyond leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"nbf": now.Add(61 * time.Second).Unix()}), "")), reason: "token not valid yet"},
		{name: "nbf within leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"nbf": now.Add(59 * time.Second).Unix()}), "")), wantSub: "user-42"},
		{name: "iat in the future beyond leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"iat": now.Add(5 * time.Minute).Unix()}), "")), reason: "token not valid yet (issued in the future)"},
		{name: "iat in the future within leeway", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"iat": now.Add(30 * time.Second).Unix()}), "")), wantSub: "user-42"},
		{name: "missing exp", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": nil}), "")), reason: "token has no expiry (exp claim is required)"},
		{name: "exp of 0", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": 0}), "")), reason: "token has no expiry (exp claim is 0; a time in the future is required)"},
		{name: "exp of 0 with an issuer configured", env: hsEnv(map[string]string{"AUTH_JWT_ISSUER": "https://issuer.example"}),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": 0, "iss": "https://issuer.example"}), "")), reason: "token has no expiry (exp claim is 0; a time in the future is required)"},
		{name: "exp of the wrong type", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"exp": "tomorrow"}), "")), reason: "token has a claim of the wrong type"},

		{name: "wrong HS256 secret", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret+"x"), claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "RS256 signed by another key", env: rsaEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa2, claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "ES256 signed by another key", env: ecEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec2, claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "tampered payload", env: hsEnv(nil),
			header: authtest.Bearer(func() string {
				parts := strings.Split(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), ""), ".")
				other := strings.Split(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"sub": "admin"}), ""), ".")
				return parts[0] + "." + other[1] + "." + parts[2]
			}()), reason: "token signature or algorithm not accepted"},
		{name: "alg none against HS256", env: hsEnv(nil), header: authtest.Bearer(unsigned(t, claims(nil))), reason: "token signature or algorithm not accepted"},
		{name: "alg none against RS256", env: rsaEnv, header: authtest.Bearer(unsigned(t, claims(nil))), reason: "token signature or algorithm not accepted"},
		{name: "alg none against JWKS", env: jwksEnv, header: authtest.Bearer(unsigned(t, claims(nil))), reason: "token signature or algorithm not accepted"},
		{name: "algorithm confusion: HS256 keyed with the RSA public key PEM", env: rsaEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(rsaPubPEM), claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "algorithm confusion against JWKS", env: jwksEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(rsaPubPEM), claims(nil), "rsa-1")), reason: "token signature or algorithm not accepted"},
		{name: "RS512 with the configured RSA key", env: rsaEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS512, k.rsa, claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "RS256 against HS256 config", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "")), reason: "token signature or algorithm not accepted"},
		{name: "ES256 against RS256 config", env: rsaEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodES256, k.ec, claims(nil), "")), reason: "token signature or algorithm not accepted"},

		{name: "audience and issuer accepted", env: audEnv,
			header:  authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": []string{"x", "other-app"}, "iss": "https://issuer.test/"}), "")),
			wantSub: "user-42"},
		{name: "wrong audience", env: audEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": "someone-else", "iss": "https://issuer.test/"}), "")), reason: "token audience not accepted"},
		{name: "missing audience", env: audEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"iss": "https://issuer.test/"}), "")), reason: "token audience not accepted"},
		{name: "wrong issuer", env: audEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": "cos-signer", "iss": "https://evil.test/"}), "")), reason: "token issuer not accepted"},
		{name: "missing issuer", env: audEnv,
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": "cos-signer"}), "")), reason: "token issuer not accepted"},
		{name: "audience not checked when not configured", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": "anything", "iss": "anyone"}), "")), wantSub: "user-42"},

		{name: "missing sub", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"sub": nil}), "")), reason: `token has no identity claim "sub"`},
		{name: "empty sub", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"sub": ""}), "")), reason: `token has no identity claim "sub"`},
		{name: "numeric sub", env: hsEnv(nil),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"sub": 42}), "")), reason: `token has no identity claim "sub"`},
		{name: "custom identity claim", env: hsEnv(map[string]string{"AUTH_IDENTITY_CLAIM": "openid"}),
			header:  authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"openid": "oABC-123"}), "")),
			wantSub: "oABC-123"},
		{name: "custom identity claim missing", env: hsEnv(map[string]string{"AUTH_IDENTITY_CLAIM": "openid"}),
			header: authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")), reason: `token has no identity claim "openid"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := auth.FromEnv(authtest.Getenv(tc.env))
			require.NoError(t, err)
			require.Equal(t, "jwt", a.Mode())
			id, err := a.Authenticate(tc.header, nil, now)
			if tc.reason != "" {
				require.Error(t, err)
				assert.Nil(t, id)
				var ae *auth.Error
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.reason, ae.Reason)
				assertNoLeak(t, err.Error(), tc.env, tc.header)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, id)
			assert.Equal(t, tc.wantSub, id.Subject)
			assert.NotEmpty(t, id.Claims["exp"], "verified claims are returned")
		})
	}
}

// assertNoLeak checks that a refusal echoes neither the token nor any
// configured value.
func assertNoLeak(t *testing.T, msg string, env, header map[string]string) {
	t.Helper()
	for _, v := range header {
		if len(v) > 8 {
			for _, part := range strings.Fields(v) {
				if len(part) > 8 {
					assert.NotContains(t, msg, part)
				}
			}
		}
	}
	for k, v := range env {
		if k != "AUTH_MODE" && k != "AUTH_IDENTITY_CLAIM" && v != "" {
			assert.NotContains(t, msg, v)
		}
	}
}

func TestJWTClaimsReturned(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(hsEnv(nil)))
	require.NoError(t, err)
	id, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"scope": "upload"}), "")), nil, now)
	require.NoError(t, err)
	assert.Equal(t, "upload", id.Claims["scope"])
	assert.Equal(t, "user-42", id.Claims["sub"])
}

func TestJWTIgnoresAuthorizer(t *testing.T) {
	// In jwt mode a gateway context is no substitute for a token.
	a, err := auth.FromEnv(authtest.Getenv(hsEnv(nil)))
	require.NoError(t, err)
	_, err = a.Authenticate(nil, map[string]any{"principalId": "admin"}, now)
	var ae *auth.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "missing bearer token (Authorization: Bearer … or X-Auth-Token)", ae.Reason)
}

func TestJWTUsesGivenClock(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(hsEnv(nil)))
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")
	// The token (valid around now) is judged by the clock passed in, not the wall clock.
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(2*time.Hour))
	require.EqualError(t, err, "token expired")
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now.Add(-time.Hour))
	require.EqualError(t, err, "token not valid yet (issued in the future)")
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now)
	require.NoError(t, err)
}

// RFC 7515 4.1.11: a crit header names extensions the verifier must
// understand; none is, so such a token is refused whatever it lists, even
// when its signature holds.
func TestJWTRefusesCrit(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": secret}))
	require.NoError(t, err)
	for _, crit := range []any{[]string{"exp"}, []string{"b64"}, []string{}, "x"} {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
		tok.Header["crit"] = crit
		if c, ok := crit.([]string); ok && len(c) > 0 && c[0] == "b64" {
			tok.Header["b64"] = false
		}
		s, err := tok.SignedString([]byte(secret))
		require.NoError(t, err)
		_, err = a.Authenticate(authtest.Bearer(s), nil, now)
		require.EqualError(t, err, "token has a crit header: no critical extension is supported", "crit %v", crit)
	}
}
