package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

func TestFromEnvModes(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		mode string
	}{
		{env: map[string]string{}, mode: "none"},
		{env: map[string]string{"AUTH_MODE": "none"}, mode: "none"},
		{env: map[string]string{"AUTH_MODE": " JWT ", "AUTH_JWT_SECRET": secret}, mode: "jwt"},
		{env: map[string]string{"AUTH_MODE": "gateway"}, mode: "gateway"},
	} {
		a, err := auth.FromEnv(authtest.Getenv(tc.env))
		require.NoError(t, err, tc.env)
		assert.Equal(t, tc.mode, a.Mode())
	}
}

func TestNoneIsAnonymous(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(nil))
	require.NoError(t, err)
	id, err := a.Authenticate(map[string]string{"authorization": "Bearer whatever"}, map[string]any{"principalId": "x"}, now)
	require.NoError(t, err)
	assert.Nil(t, id)
}

func TestFromEnvErrors(t *testing.T) {
	k := genKeys(t)
	ed, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edDER, err := x509.MarshalPKIXPublicKey(ed)
	require.NoError(t, err)
	edPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edDER}))
	privDER, err := x509.MarshalPKCS8PrivateKey(k.ec)
	require.NoError(t, err)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	rsaPEM := pkixPEM(t, &k.rsa.PublicKey)
	brokenJWK := rsaJWK("broken", &k.rsa.PublicKey)
	brokenJWK["n"] = "!!!"
	offCurve := ecJWK("off", &k.ec.PublicKey)
	offCurve["y"] = offCurve["x"]

	cases := []struct {
		name string
		env  map[string]string
		want string // the error names this variable
		also string // and says this
	}{
		{name: "unknown mode", env: map[string]string{"AUTH_MODE": "oauth"}, want: "AUTH_MODE"},
		{name: "secret without jwt mode", env: map[string]string{"AUTH_JWT_SECRET": secret}, want: "AUTH_JWT_SECRET", also: "AUTH_MODE=jwt"},
		{name: "JWKS with mode none", env: map[string]string{"AUTH_MODE": "none", "AUTH_JWKS": jwks(t, rsaJWK("a", &k.rsa.PublicKey))}, want: "AUTH_JWKS"},
		{name: "jwt without key", env: map[string]string{"AUTH_MODE": "jwt"}, want: "AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY, AUTH_JWKS"},
		{name: "several key sources", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": secret, "AUTH_JWT_PUBLIC_KEY": rsaPEM},
			want: "AUTH_JWT_SECRET and AUTH_JWT_PUBLIC_KEY"},
		{name: "short secret", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": "too-short-secret"}, want: "AUTH_JWT_SECRET", also: "at least 32 bytes"},
		{name: "PEM garbage", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": "not a pem"}, want: "AUTH_JWT_PUBLIC_KEY", also: "not a PEM block"},
		{name: "PEM with broken body", env: map[string]string{"AUTH_MODE": "jwt",
			"AUTH_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}, want: "AUTH_JWT_PUBLIC_KEY", also: "cannot be parsed"},
		{name: "private key", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": privPEM}, want: "AUTH_JWT_PUBLIC_KEY", also: "private key"},
		{name: "unexpected PEM type", env: map[string]string{"AUTH_MODE": "jwt",
			"AUTH_JWT_PUBLIC_KEY": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1}}))}, want: "AUTH_JWT_PUBLIC_KEY"},
		{name: "Ed25519 key", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": edPEM}, want: "AUTH_JWT_PUBLIC_KEY", also: "neither RSA"},
		{name: "P-384 key", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkixPEM(t, &k.ec384.PublicKey)}, want: "AUTH_JWT_PUBLIC_KEY", also: "P-256"},
		{name: "RSA 1024", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkixPEM(t, &k.rsa1024.PublicKey)}, want: "AUTH_JWT_PUBLIC_KEY", also: "2048"},
		{name: "JWKS not JSON", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": "{keys"}, want: "AUTH_JWKS"},
		{name: "JWKS empty", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": `{"keys":[]}`}, want: "AUTH_JWKS", also: "no RSA"},
		{name: "JWKS only symmetric and encryption keys", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
			map[string]any{"kty": "oct", "kid": "h", "k": "c2VjcmV0"},
			func() map[string]any { j := rsaJWK("enc", &k.rsa.PublicKey); j["use"] = "enc"; return j }(),
		)}, want: "AUTH_JWKS", also: "no RSA"},
		{name: "JWKS key not an object", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": `{"keys":["x"]}`}, want: "AUTH_JWKS"},
		{name: "JWKS broken modulus", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t, brokenJWK)}, want: "AUTH_JWKS", also: "modulus"},
		{name: "JWKS point off the curve", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t, offCurve)}, want: "AUTH_JWKS", also: "curve"},
		{name: "JWKS P-384", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": `{"keys":[{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}]}`}, want: "AUTH_JWKS", also: "P-256"},
		{name: "JWKS short RSA", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t, rsaJWK("s", &k.rsa1024.PublicKey))}, want: "AUTH_JWKS", also: "2048"},
		{name: "JWKS duplicate kid", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
			rsaJWK("same", &k.rsa.PublicKey), ecJWK("same", &k.ec.PublicKey))}, want: "AUTH_JWKS", also: "more than one key"},
		{name: "JWKS exponent of 2^31", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
			func() map[string]any {
				j := rsaJWK("e", &k.rsa.PublicKey)
				j["e"] = b64([]byte{0x80, 0, 0, 0})
				return j
			}())},
			want: "AUTH_JWKS", also: `exponent "e" of 2^31 or more`},
		{name: "JWKS exponent over 32 bits", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
			func() map[string]any {
				j := rsaJWK("e", &k.rsa.PublicKey)
				j["e"] = b64([]byte{1, 0, 0, 0, 1})
				return j
			}())},
			want: "AUTH_JWKS", also: `exponent "e" of 2^31 or more`},
		{name: "JWKS URL over plain http", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": "http://issuer.example.com/.well-known/jwks.json"},
			want: "AUTH_JWKS_URL", also: "https://"},
		{name: "JWKS URL not a URL", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": "issuer.example.com/jwks.json"}, want: "AUTH_JWKS_URL", also: "https://"},
		{name: "JWKS URL with credentials", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": "https://user:pw@issuer.example.com/jwks.json"}, want: "AUTH_JWKS_URL"},
		{name: "JWKS URL and inline JWKS", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": "https://issuer.example.com/jwks.json",
			"AUTH_JWKS": jwks(t, rsaJWK("a", &k.rsa.PublicKey))}, want: "AUTH_JWKS and AUTH_JWKS_URL"},
		{name: "JWKS URL with mode none", env: map[string]string{"AUTH_JWKS_URL": "https://issuer.example.com/jwks.json"}, want: "AUTH_JWKS_URL", also: "AUTH_MODE=jwt"},
		{name: "JWKS even exponent", env: map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
			func() map[string]any { j := rsaJWK("e", &k.rsa.PublicKey); j["e"] = "Ag"; return j }())}, want: "AUTH_JWKS", also: "exponent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := auth.FromEnv(authtest.Getenv(tc.env))
			require.Error(t, err)
			assert.Nil(t, a)
			assert.Contains(t, err.Error(), tc.want)
			if tc.also != "" {
				assert.Contains(t, err.Error(), tc.also)
			}
			for name, v := range tc.env {
				if name != "AUTH_MODE" {
					assert.NotContains(t, err.Error(), strings.TrimSpace(v), "the value of %s must not appear", name)
				}
			}
		})
	}
}

func TestJWKSSkipsUnusableKeys(t *testing.T) {
	// A real provider's JWKS may mix in encryption and other-algorithm keys;
	// the usable signing key still works.
	k := genKeys(t)
	enc := rsaJWK("enc", &k.rsa2.PublicKey)
	enc["use"] = "enc"
	rs512 := rsaJWK("rs512", &k.rsa2.PublicKey)
	rs512["alg"] = "RS512"
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(t,
		map[string]any{"kty": "oct", "kid": "hmac", "k": b64([]byte(secret))},
		enc, rs512, rsaJWK("sig", &k.rsa.PublicKey),
	)}))
	require.NoError(t, err)
	id, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(nil), "sig")), nil, now)
	require.NoError(t, err)
	assert.Equal(t, "user-42", id.Subject)
	// The skipped symmetric key never verifies anything.
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "hmac")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa2, claims(nil), "enc")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
}
