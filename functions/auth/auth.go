// Package auth verifies who is calling the signing service (AUTH_MODE): no
// one (none), a bearer JWT (jwt), or the identity the platform's authorizer
// already verified (gateway). It knows nothing of signing or routes.
package auth

import (
	"fmt"
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

// Authenticator verifies a request's caller. A nil Identity with a nil error
// means anonymous (AUTH_MODE=none).
type Authenticator interface {
	// Mode is "none", "jwt" or "gateway".
	Mode() string
	// Authenticate reads the request's headers (names lower-cased) and the
	// platform authorizer's verified context (nil when there is none).
	Authenticate(header map[string]string, authorizer map[string]any, now time.Time) (*Identity, error)
}

// FromEnv builds the Authenticator that the AUTH_* variables describe. A
// configuration error names the variable at fault and never its value.
func FromEnv(getenv func(string) string) (Authenticator, error) {
	switch mode := getenv("AUTH_MODE"); mode {
	case "", "none":
		return none{}, nil
	default:
		return nil, fmt.Errorf("AUTH_MODE %q is not supported yet", mode)
	}
}

type none struct{}

func (none) Mode() string { return "none" }
func (none) Authenticate(map[string]string, map[string]any, time.Time) (*Identity, error) {
	return nil, nil
}
