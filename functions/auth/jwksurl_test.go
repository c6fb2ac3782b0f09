package auth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

// issuer is a local JWKS endpoint whose key set a test rotates, counting
// how often it is fetched.
type issuer struct {
	*httptest.Server
	mu      sync.Mutex
	set     string
	status  int
	fetches atomic.Int32
}

func newIssuer(t *testing.T, set string) *issuer {
	is := &issuer{set: set, status: http.StatusOK}
	is.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(is.status)
		_, _ = w.Write([]byte(is.set))
	}))
	t.Cleanup(is.Close)
	return is
}

func (is *issuer) rotate(set string) {
	is.mu.Lock()
	is.set = set
	is.mu.Unlock()
}

func jwksURLAuth(t *testing.T, url string, log *slog.Logger, refresh, unknownKID time.Duration) auth.Authenticator {
	t.Helper()
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": url,
		"AUTH_JWT_ISSUER": "https://issuer.test/", "AUTH_JWT_AUDIENCE": "cos-signer"}))
	require.NoError(t, err)
	auth.SetJWKSIntervals(a, refresh, unknownKID)
	auth.Start(a, log)
	return a
}

var urlClaims = map[string]any{"iss": "https://issuer.test/", "aud": "cos-signer"}

// The set is fetched at the first token, not at start; a token signed with
// a key the issuer rotated in makes it fetch again; a kid it still lacks
// is refused without another fetch until the limit allows one.
func TestJWKSURLFollowsARotation(t *testing.T) {
	k := genKeys(t)
	is := newIssuer(t, jwks(t, rsaJWK("k1", &k.rsa.PublicKey)))
	a := jwksURLAuth(t, is.URL+"/.well-known/jwks.json", slog.New(slog.DiscardHandler), time.Hour, time.Hour)
	assert.Zero(t, is.fetches.Load(), "nothing is fetched before the first token")

	ok := func(key any, method jwt.SigningMethod, kid string) {
		t.Helper()
		id, err := a.Authenticate(authtest.Bearer(sign(t, method, key, claims(urlClaims), kid)), nil, now)
		require.NoError(t, err)
		assert.Equal(t, "user-42", id.Subject)
	}
	refused := func(key any, method jwt.SigningMethod, kid string) {
		t.Helper()
		_, err := a.Authenticate(authtest.Bearer(sign(t, method, key, claims(urlClaims), kid)), nil, now)
		require.EqualError(t, err, "token signature or algorithm not accepted")
	}

	ok(k.rsa, jwt.SigningMethodRS256, "k1")
	ok(k.rsa, jwt.SigningMethodRS256, "k1")
	assert.EqualValues(t, 1, is.fetches.Load(), "the set is cached")

	is.rotate(jwks(t, rsaJWK("k2", &k.rsa2.PublicKey), ecJWK("k3", &k.ec.PublicKey)))
	ok(k.rsa2, jwt.SigningMethodRS256, "k2")
	assert.EqualValues(t, 2, is.fetches.Load(), "an unknown kid fetches the set again")
	ok(k.ec, jwt.SigningMethodES256, "k3")
	refused(k.rsa, jwt.SigningMethodRS256, "k1") // rotated out
	refused(k.ec2, jwt.SigningMethodES256, "k4")
	refused(k.ec2, jwt.SigningMethodES256, "k5")
	assert.EqualValues(t, 2, is.fetches.Load(), "unknown kids fetch at most once per interval")
	// A key verifies only its own algorithm, whatever the token says.
	refused(k.ec, jwt.SigningMethodES256, "k2")
}

// The schedule refreshes the set without any unknown kid: a key the
// issuer revoked stops verifying.
func TestJWKSURLRefreshesOnASchedule(t *testing.T) {
	k := genKeys(t)
	is := newIssuer(t, jwks(t, rsaJWK("k1", &k.rsa.PublicKey), rsaJWK("k2", &k.rsa2.PublicKey)))
	a := jwksURLAuth(t, is.URL, slog.New(slog.DiscardHandler), 20*time.Millisecond, time.Hour)
	_, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "k1")), nil, now)
	require.NoError(t, err)
	// Spend the one unknown-kid refresh the limiter holds, so that only the
	// schedule can bring the revocation in.
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "nope")), nil, now)
	require.Error(t, err)

	is.rotate(jwks(t, rsaJWK("k2", &k.rsa2.PublicKey)))
	seen := is.fetches.Load()
	require.Eventually(t, func() bool { return is.fetches.Load() >= seen+2 }, 10*time.Second, 5*time.Millisecond)
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "k1")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa2, claims(urlClaims), "k2")), nil, now)
	require.NoError(t, err)
}

// A fetched key passes the checks an inline one does: one that would
// refuse every token (e ≥ 2^31), a short RSA key or a symmetric key is left
// out and logged by kid, and the rest of the set still works.
func TestJWKSURLChecksEveryFetchedKey(t *testing.T) {
	k := genKeys(t)
	bigE := rsaJWK("big-e", &k.rsa2.PublicKey)
	bigE["e"] = b64([]byte{0x80, 0, 0, 1})
	is := newIssuer(t, jwks(t, bigE, rsaJWK("short", &k.rsa1024.PublicKey),
		map[string]any{"kty": "oct", "kid": "hmac", "k": b64([]byte(secret))}, rsaJWK("good", &k.rsa.PublicKey)))
	var logged bytes.Buffer
	a := jwksURLAuth(t, is.URL, slog.New(slog.NewTextHandler(&logged, nil)), time.Hour, time.Hour)

	_, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "good")), nil, now)
	require.NoError(t, err, logged.String())
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa1024, claims(urlClaims), "short")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(urlClaims), "hmac")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	assert.Contains(t, logged.String(), `AUTH_JWKS_URL: key 0 (kid \"big-e\") has an exponent \"e\" of 2^31 or more`)
	assert.Contains(t, logged.String(), `kid \"short\"`)
	assert.Contains(t, logged.String(), "2048 bits")
}

// An issuer that is down or answers garbage: tokens are refused with the
// usual reason, the failure is logged, and the next unknown kid tries again.
func TestJWKSURLIssuerDown(t *testing.T) {
	k := genKeys(t)
	is := newIssuer(t, "not json")
	var logged bytes.Buffer
	a := jwksURLAuth(t, is.URL, slog.New(slog.NewTextHandler(&logged, nil)), time.Hour, time.Millisecond)
	_, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "k1")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	assert.Contains(t, logged.String(), "AUTH_JWKS_URL: fetching the key set failed")

	is.rotate(jwks(t, rsaJWK("k1", &k.rsa.PublicKey)))
	time.Sleep(5 * time.Millisecond) // past the unknown-kid interval
	_, err = a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "k1")), nil, now)
	require.NoError(t, err)
}

// A key set served over plain http from anywhere but this machine could be
// swapped on the way; a redirect there is refused too.
func TestJWKSURLIsHTTPSExceptLoopback(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://login.example.com/.well-known/jwks.json":                             true,
		"HTTPS://cognito-idp.ap-northeast-1.amazonaws.com/pool/.well-known/jwks.json": true,
		"http://127.0.0.1:8080/jwks.json":                                             true,
		"http://localhost/jwks.json":                                                  true,
		"http://[::1]:9000/jwks.json":                                                 true,
		"http://login.example.com/jwks":                                               false,
		"http://10.0.0.8/jwks":                                                        false,
		"http://127.0.0.1.nip.io/jwks.json":                                           false,
		"ftp://login.example.com/jwks":                                                false,
		"/jwks.json":                                                                  false,
	} {
		_, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "jwt", "AUTH_JWKS_URL": raw}))
		if ok {
			assert.NoError(t, err, raw)
		} else {
			assert.ErrorContains(t, err, "AUTH_JWKS_URL must be an https:// URL", raw)
		}
	}

	k := genKeys(t)
	redirect := httptest.NewServer(http.RedirectHandler("http://jwks.example.com/jwks.json", http.StatusFound))
	t.Cleanup(redirect.Close)
	var logged bytes.Buffer
	a := jwksURLAuth(t, redirect.URL, slog.New(slog.NewTextHandler(&logged, nil)), time.Hour, time.Hour)
	_, err := a.Authenticate(authtest.Bearer(sign(t, jwt.SigningMethodRS256, k.rsa, claims(urlClaims), "k1")), nil, now)
	require.EqualError(t, err, "token signature or algorithm not accepted")
	assert.Contains(t, logged.String(), "AUTH_JWKS_URL must be an https:// URL")
}

// The verifier warns at start about each check left off.
func TestJWTWarnsWithoutIssuerOrAudience(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{}, []string{"AUTH_JWT_ISSUER is not set", "AUTH_JWT_AUDIENCE is not set"}},
		{map[string]string{"AUTH_JWT_ISSUER": "https://issuer.test/"}, []string{"AUTH_JWT_AUDIENCE is not set"}},
		{map[string]string{"AUTH_JWT_AUDIENCE": "cos-signer"}, []string{"AUTH_JWT_ISSUER is not set"}},
		{map[string]string{"AUTH_JWT_ISSUER": "https://issuer.test/", "AUTH_JWT_AUDIENCE": "cos-signer"}, nil},
	} {
		env := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": secret}
		for k, v := range tc.env {
			env[k] = v
		}
		a, err := auth.FromEnv(authtest.Getenv(env))
		require.NoError(t, err)
		var logged bytes.Buffer
		auth.Start(a, slog.New(slog.NewTextHandler(&logged, nil)))
		lines := strings.Count(logged.String(), "level=WARN")
		assert.Equal(t, len(tc.want), lines, "%v: %s", tc.env, logged.String())
		for _, w := range tc.want {
			assert.Contains(t, logged.String(), w)
		}
	}
}
