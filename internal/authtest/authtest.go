// Package authtest mints real caller tokens for other packages' tests, so
// that hostile-input and end-to-end suites exercise AUTH_MODE=jwt exactly as
// a deployed function would. It is for tests only: its secret is public.
package authtest

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// Secret is a ready-made HS256 secret, long enough for AUTH_JWT_SECRET.
	Secret = "authtest-hs256-secret-0123456789abcdef-not-for-production"
	// Issuer and Audience are what HS256Env configures and Token puts in by
	// default.
	Issuer   = "https://issuer.authtest.invalid/"
	Audience = "cos-signer-tests"
)

// HS256Env returns the AUTH_* variables for AUTH_MODE=jwt with secret,
// checking Issuer and Audience. Merge it into a test environment.
func HS256Env(secret string) map[string]string {
	return map[string]string{
		"AUTH_MODE":         "jwt",
		"AUTH_JWT_SECRET":   secret,
		"AUTH_JWT_ISSUER":   Issuer,
		"AUTH_JWT_AUDIENCE": Audience,
	}
}

// Getenv serves env as a getenv function (for auth.FromEnv, service.LoadConfig).
func Getenv(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

// Bearer is the request header carrying token, names lower-cased as the
// service's Request.Header has them.
func Bearer(token string) map[string]string {
	return map[string]string{"authorization": "Bearer " + token}
}

// Option changes the token Token mints.
type Option func(*spec)

type spec struct {
	now         time.Time
	expired     bool
	notYetValid bool
	claims      map[string]any // set (nil value: removed) after the defaults
	key         []byte
	none        bool
}

// MintedAt sets the clock the token's times are relative to (default:
// time.Now()); pass the service's Options.Now when the test fixes it.
func MintedAt(now time.Time) Option { return func(s *spec) { s.now = now } }

// Expired makes a token that expired five minutes before the mint time,
// beyond the verifier's 60 s leeway.
func Expired() Option { return func(s *spec) { s.expired = true } }

// NotYetValid makes a token whose nbf is five minutes after the mint time,
// beyond the verifier's 60 s leeway.
func NotYetValid() Option { return func(s *spec) { s.notYetValid = true } }

// WithAudience replaces the aud claim (a wrong audience, for refusals).
func WithAudience(aud string) Option { return WithClaim("aud", aud) }

// WithIssuer replaces the iss claim.
func WithIssuer(iss string) Option { return WithClaim("iss", iss) }

// WithoutExpiry removes exp, which the verifier requires.
func WithoutExpiry() Option { return WithClaim("exp", nil) }

// WithClaim sets a claim after the defaults; a nil value removes it.
func WithClaim(name string, value any) Option {
	return func(s *spec) { s.claims[name] = value }
}

// SignedWith signs with another HS256 key: a wrongly signed token.
func SignedWith(otherSecret string) Option {
	return func(s *spec) { s.key = []byte(otherSecret) }
}

// AlgNone makes an unsigned token with header {"alg":"none"}, as an
// attacker would send it.
func AlgNone() Option { return func(s *spec) { s.none = true } }

// Token mints an HS256 token for sub (no sub claim when sub is empty),
// valid from the mint time for ttl, with Issuer and Audience, and then
// applies opts. It never fails: a test that cannot mint stops.
func Token(t testing.TB, secret, sub string, ttl time.Duration, opts ...Option) string {
	t.Helper()
	s := &spec{now: time.Now(), key: []byte(secret), claims: map[string]any{}}
	for _, o := range opts {
		o(s)
	}
	claims := jwt.MapClaims{
		"iss": Issuer,
		"aud": Audience,
		"iat": s.now.Unix(),
		"exp": s.now.Add(ttl).Unix(),
	}
	if sub != "" {
		claims["sub"] = sub
	}
	if s.expired {
		claims["iat"] = s.now.Add(-time.Hour).Unix()
		claims["exp"] = s.now.Add(-5 * time.Minute).Unix()
	}
	if s.notYetValid {
		claims["nbf"] = s.now.Add(5 * time.Minute).Unix()
	}
	for name, v := range s.claims {
		if v == nil {
			delete(claims, name)
		} else {
			claims[name] = v
		}
	}
	if s.none {
		body, err := json.Marshal(claims)
		if err != nil {
			t.Fatalf("authtest: claims: %v", err)
		}
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(body) + "."
	}
	if len(s.key) == 0 {
		t.Fatal("authtest: Token needs a secret (authtest.Secret will do)")
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	if err != nil {
		t.Fatalf("authtest: signing: %v", err)
	}
	return tok
}
