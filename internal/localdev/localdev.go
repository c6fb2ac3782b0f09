// Package localdev is what local development shares between the web
// server's -demo mode (make run) and make token: the HS256 secret, issuer
// and audience of local caller tokens, and how one is minted. Everything
// here is public: it must never configure a deployment.
package localdev

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// Secret is the AUTH_JWT_SECRET that make run verifies tokens with
	// when it runs with AUTH_MODE=jwt and no key of its own.
	Secret = "local-development-only-hs256-secret-not-for-deployment"
	// Issuer and Audience are what local tokens carry and make run checks.
	Issuer   = "cos-signer-local"
	Audience = "cos-signer-local"
	// MaxTTL keeps local tokens short-lived.
	MaxTTL = 24 * time.Hour
)

// Token mints an HS256 token for sub, valid from now for ttl.
func Token(secret, issuer, audience, sub string, ttl time.Duration, now time.Time) (string, error) {
	switch {
	case sub == "":
		return "", errors.New("the subject (SUB) is empty")
	case ttl <= 0 || ttl > MaxTTL:
		return "", errors.New("the lifetime (TTL) must be more than 0 and at most 24h")
	}
	claims := jwt.RegisteredClaims{Subject: sub, Issuer: issuer, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl))}
	if audience != "" {
		claims.Audience = jwt.ClaimStrings{audience}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}
