// Package auth verifies who is calling the signing service (AUTH_MODE): no
// one (none), a bearer JWT (jwt), or the identity the platform's authorizer
// already verified (gateway). It knows nothing of signing or routes.
package auth

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Identity is a verified caller.
type Identity struct {
	// Subject identifies the caller (the sub claim, or AUTH_IDENTITY_CLAIM);
	// it fills {sub} in SIGN_KEY_PREFIXES.
	Subject string
	// Claims are the verified claims, for logging and policy.
	Claims map[string]any
}

// Error is a refused caller: the reason helps a client developer and says
// nothing that helps an attacker. It becomes a 401.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// UnusableError is a verified caller whose identity does not name them
// alone (many callers share it), so it cannot fill {sub}. It becomes a 403
// IdentityNotUsable.
type UnusableError struct{ Reason string }

func (e *UnusableError) Error() string { return e.Reason }

// Authenticator verifies a request's caller. A nil Identity with a nil error
// means anonymous (AUTH_MODE=none).
type Authenticator interface {
	// Mode is "none", "jwt" or "gateway".
	Mode() string
	// Authenticate reads the request's headers (names lower-cased) and the
	// platform authorizer's verified context (nil when there is none).
	Authenticate(header map[string]string, authorizer map[string]any, now time.Time) (*Identity, error)
}

// Mode names, as AUTH_MODE spells them.
const (
	ModeNone    = "none"
	ModeJWT     = "jwt"
	ModeGateway = "gateway"
)

// defaultIdentityClaim is the claim that identifies the caller unless
// AUTH_IDENTITY_CLAIM names another.
const defaultIdentityClaim = "sub"

// jwtKeyVars are the variables that give the jwt mode its verification key.
var jwtKeyVars = []string{"AUTH_JWT_SECRET", "AUTH_JWT_PUBLIC_KEY", "AUTH_JWKS", "AUTH_JWKS_URL"}

// FromEnv builds the Authenticator that the AUTH_* variables describe. A
// configuration error names the variable at fault and never its value.
func FromEnv(getenv func(string) string) (Authenticator, error) {
	mode := strings.ToLower(strings.TrimSpace(getenv("AUTH_MODE")))
	switch mode {
	case "", ModeNone:
		// A verification key without AUTH_MODE=jwt is almost certainly a
		// forgotten AUTH_MODE: failing beats silently serving anonymous callers.
		for _, name := range jwtKeyVars {
			if strings.TrimSpace(getenv(name)) != "" {
				return nil, fmt.Errorf("%s is set but AUTH_MODE is not %q: set AUTH_MODE=jwt to verify tokens, or remove %s", name, ModeJWT, name)
			}
		}
		return none{}, nil
	case ModeJWT:
		return newJWT(getenv)
	case ModeGateway:
		return &gateway{claim: identityClaim(getenv)}, nil
	default:
		return nil, fmt.Errorf("AUTH_MODE must be %q, %q or %q", ModeNone, ModeJWT, ModeGateway)
	}
}

// identityClaim is AUTH_IDENTITY_CLAIM, or sub.
func identityClaim(getenv func(string) string) string {
	if c := strings.TrimSpace(getenv("AUTH_IDENTITY_CLAIM")); c != "" {
		return c
	}
	return defaultIdentityClaim
}

type none struct{}

func (none) Mode() string { return ModeNone }
func (none) Authenticate(map[string]string, map[string]any, time.Time) (*Identity, error) {
	return nil, nil
}

// Start hands the Authenticator the service's logger once, at start: it logs
// what the configuration leaves open (a warning, not an error: a deployer
// may mean it), and a fetched key set reports its problems there.
func Start(a Authenticator, log *slog.Logger) {
	if s, ok := a.(interface{ start(*slog.Logger) }); ok {
		s.start(log)
	}
}
