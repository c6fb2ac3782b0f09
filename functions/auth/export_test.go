package auth

import "time"

// SetJWKSIntervals shortens an AUTH_JWKS_URL authenticator's refresh
// schedule and unknown-kid limit for a test; call it before the first token.
func SetJWKSIntervals(a Authenticator, refresh, unknownKID time.Duration) {
	r := a.(*jwtAuth).remote
	r.refreshEvery, r.unknownKIDEvery = refresh, unknownKID
}
