package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// now is the fixed clock every test authenticates at.
var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const secret = "0123456789abcdef0123456789abcdef-test-only"

// testKeys are generated once per test binary: RSA generation is slow.
type testKeys struct {
	rsa, rsa2 *rsa.PrivateKey
	ec, ec2   *ecdsa.PrivateKey
	ec384     *ecdsa.PrivateKey
	rsa1024   *rsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func genKeys(t testing.TB) testKeys {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		keys.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
		keys.rsa2, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
		keys.rsa1024, err = rsa.GenerateKey(rand.Reader, 1024)
		must(err)
		keys.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		keys.ec2, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		keys.ec384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		must(err)
	})
	return keys
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func pkixPEM(t testing.TB, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func pkcs1PEM(pub *rsa.PublicKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)}))
}

func certPEM(t testing.TB, priv *ecdsa.PrivateKey) string {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "issuer.test"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, pub *rsa.PublicKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

func ecJWK(kid string, pub *ecdsa.PublicKey) map[string]any {
	raw, err := pub.Bytes() // 0x04 || X || Y
	must(err)
	return map[string]any{
		"kty": "EC", "kid": kid, "crv": "P-256",
		"x": b64(raw[1:33]), "y": b64(raw[33:]),
	}
}

func jwks(t testing.TB, keys ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	require.NoError(t, err)
	return string(b)
}

// claims are valid at now for an hour.
func claims(extra map[string]any) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub": "user-42",
		"iat": now.Add(-time.Minute).Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign mints a token; kid is set in the header when not empty.
func sign(t testing.TB, method jwt.SigningMethod, key any, c jwt.MapClaims, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// unsigned builds an alg:none token by hand, as an attacker would.
func unsigned(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	body, err := json.Marshal(c)
	require.NoError(t, err)
	return b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(body) + "."
}
