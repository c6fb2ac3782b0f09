package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// leeway absorbs clock skew between the token issuer and the function.
	leeway = 60 * time.Second
	// maxTokenBytes bounds the work an unauthenticated caller can cause.
	maxTokenBytes = 8 << 10
	// minSecretBytes is HS256's key size: a shorter secret is guessable.
	minSecretBytes = 32
)

// Reasons a token is refused. They tell a client developer what to fix and
// never which key failed, the token, or anything configured.
const (
	reasonMissing    = "missing bearer token (Authorization: Bearer … or X-Auth-Token)"
	reasonTooLarge   = "token too large"
	reasonMalformed  = "malformed token"
	reasonSignature  = "token signature or algorithm not accepted"
	reasonExpired    = "token expired"
	reasonNotYet     = "token not valid yet"
	reasonFutureIat  = "token not valid yet (issued in the future)"
	reasonNoExpiry   = "token has no expiry (exp claim is required)"
	reasonZeroExpiry = "token has no expiry (exp claim is 0; a time in the future is required)"
	reasonAudience   = "token audience not accepted"
	reasonIssuer     = "token issuer not accepted"
	reasonBadClaims  = "token has a claim of the wrong type"
	reasonNoIdentity = "token has no identity claim %q"
	reasonCrit       = "token has a crit header: no critical extension is supported"
)

// jwtAuth verifies bearer JWTs against one configured key source.
type jwtAuth struct {
	methods  []string             // the algorithms the configured keys verify
	secret   []byte               // HS256 (AUTH_JWT_SECRET)
	single   *publicKey           // AUTH_JWT_PUBLIC_KEY: used whatever the token's kid
	keySet   map[string]publicKey // AUTH_JWKS, by kid
	remote   *remoteKeys          // AUTH_JWKS_URL
	issuer   string
	audience []string
	claim    string
}

func newJWT(getenv func(string) string) (*jwtAuth, error) {
	var set []string
	for _, name := range jwtKeyVars {
		if strings.TrimSpace(getenv(name)) != "" {
			set = append(set, name)
		}
	}
	switch len(set) {
	case 0:
		return nil, fmt.Errorf("AUTH_MODE=jwt needs one of %s", strings.Join(jwtKeyVars, ", "))
	case 1:
	default:
		return nil, fmt.Errorf("AUTH_MODE=jwt takes one key source, but %s are all set", strings.Join(set, " and "))
	}

	a := &jwtAuth{
		issuer: strings.TrimSpace(getenv("AUTH_JWT_ISSUER")),
		claim:  identityClaim(getenv),
	}
	for _, aud := range strings.Split(getenv("AUTH_JWT_AUDIENCE"), ",") {
		if aud = strings.TrimSpace(aud); aud != "" {
			a.audience = append(a.audience, aud)
		}
	}

	switch name := set[0]; name {
	case "AUTH_JWT_SECRET":
		// Not trimmed: spaces may be part of a secret.
		secret := getenv(name)
		if len(secret) < minSecretBytes {
			return nil, fmt.Errorf("AUTH_JWT_SECRET must be at least %d bytes for HS256", minSecretBytes)
		}
		a.secret = []byte(secret)
		a.methods = []string{algHS256}
	case "AUTH_JWT_PUBLIC_KEY":
		key, err := parsePublicKeyPEM(getenv(name))
		if err != nil {
			return nil, fmt.Errorf("AUTH_JWT_PUBLIC_KEY %v", err)
		}
		a.single = &key
		a.methods = []string{key.alg}
	case "AUTH_JWKS_URL":
		r, err := newRemoteKeys(strings.TrimSpace(getenv(name)))
		if err != nil {
			return nil, err
		}
		a.remote = r
		// Which keys the set holds is known only once fetched; each key
		// still verifies only its own algorithm.
		a.methods = []string{algRS256, algES256}
	case "AUTH_JWKS":
		keys, err := parseJWKS(getenv(name))
		if err != nil {
			return nil, fmt.Errorf("AUTH_JWKS %v", err)
		}
		a.keySet = keys
		seen := map[string]bool{}
		for _, k := range keys {
			if !seen[k.alg] {
				seen[k.alg] = true
				a.methods = append(a.methods, k.alg)
			}
		}
	}
	return a, nil
}

func (a *jwtAuth) Mode() string { return ModeJWT }

// start warns about a check left off: without an issuer, any issuer whose
// key verifies is trusted; without an audience, a token the same issuer
// minted for another application is accepted here too.
func (a *jwtAuth) start(log *slog.Logger) {
	if a.issuer == "" {
		log.Warn("AUTH_JWT_ISSUER is not set: tokens are accepted whatever their iss; set it to the issuer your tokens name")
	}
	if len(a.audience) == 0 {
		log.Warn("AUTH_JWT_AUDIENCE is not set: tokens are accepted whatever their aud, including those the same issuer minted for another application; set it to this application's audience (client id)")
	}
	if a.remote != nil {
		a.remote.setLogger(log)
	}
}

func (a *jwtAuth) Authenticate(header map[string]string, _ map[string]any, now time.Time) (*Identity, error) {
	raw := bearerToken(header)
	if raw == "" {
		return nil, &Error{Reason: reasonMissing}
	}
	if len(raw) > maxTokenBytes {
		return nil, &Error{Reason: reasonTooLarge}
	}
	if now.IsZero() {
		now = time.Now()
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(a.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithStrictDecoding(),
	}
	if a.issuer != "" {
		opts = append(opts, jwt.WithIssuer(a.issuer))
	}
	if len(a.audience) > 0 {
		opts = append(opts, jwt.WithAudience(a.audience...))
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.NewParser(opts...).ParseWithClaims(raw, claims, a.key); err != nil {
		return nil, &Error{Reason: a.reason(err, claims)}
	}
	sub, ok := claims[a.claim].(string)
	if !ok || sub == "" {
		return nil, &Error{Reason: fmt.Sprintf(reasonNoIdentity, a.claim)}
	}
	return &Identity{Subject: sub, Claims: claims}, nil
}

// errKeyRefused is what the key lookup answers for any refusal; the reason
// shown to the caller is the same for all of them.
var errKeyRefused = errors.New("no key for this token")

// key picks the verification key for a token whose alg the parser has
// already checked against a.methods; the key's own algorithm must match too,
// so an RSA key never verifies an ES256 token and vice versa.
func (a *jwtAuth) key(t *jwt.Token) (any, error) {
	// RFC 7515 4.1.11: a token whose crit names extensions the verifier
	// does not understand must be refused; none is understood here.
	if _, ok := t.Header["crit"]; ok {
		return nil, errCrit
	}
	alg := t.Method.Alg()
	switch {
	case a.secret != nil:
		if alg == algHS256 {
			return a.secret, nil
		}
	case a.single != nil:
		if alg == a.single.alg {
			return a.single.key, nil
		}
	case a.remote != nil:
		if k, ok := a.remote.key(t.Header["kid"]); ok && alg == k.alg {
			return k.key, nil
		}
	default:
		if k, ok := keyByKid(a.keySet, t.Header["kid"]); ok && alg == k.alg {
			return k.key, nil
		}
	}
	return nil, errKeyRefused
}

// errCrit refuses a token with a crit header.
var errCrit = errors.New("crit header")

// keyByKid finds the key a token's kid names; a token without kid may use
// the set's key without kid, or its only key.
func keyByKid(set map[string]publicKey, kid any) (publicKey, bool) {
	switch kid := kid.(type) {
	case string:
		k, ok := set[kid]
		return k, ok
	case nil:
		if k, ok := set[""]; ok {
			return k, true
		}
		if len(set) == 1 {
			for _, k := range set {
				return k, true
			}
		}
	}
	return publicKey{}, false
}

// reason turns the parser's error into what the caller is told. Signature
// problems come first: claims of an unverified token mean nothing.
func (a *jwtAuth) reason(err error, claims jwt.MapClaims) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return reasonMalformed
	case errors.Is(err, errCrit):
		return reasonCrit
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return reasonSignature
	case errors.Is(err, jwt.ErrInvalidType):
		return reasonBadClaims
	case errors.Is(err, jwt.ErrTokenExpired):
		return reasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return reasonNotYet
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return reasonFutureIat
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return reasonAudience
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return reasonIssuer
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		// The parser does not say which claim; the claims do. golang-jwt
		// reads an exp of 0 as no exp at all.
		if v, ok := claims["exp"]; !ok || v == nil {
			return reasonNoExpiry
		}
		if exp, err := claims.GetExpirationTime(); err == nil && exp == nil {
			return reasonZeroExpiry
		}
		if len(a.audience) > 0 {
			if aud, _ := claims.GetAudience(); len(aud) == 0 || len(aud) == 1 && aud[0] == "" {
				return reasonAudience
			}
		}
		return reasonIssuer
	default:
		return reasonMalformed
	}
}

// bearerToken finds the caller's token: Authorization: Bearer <t> first,
// then X-Auth-Token (mini-programs), which may carry the Bearer prefix too.
// Header names are lower-case by contract; other spellings are tolerated.
func bearerToken(header map[string]string) string {
	if v, ok := headerValue(header, "authorization"); ok {
		if scheme, tok, found := strings.Cut(strings.TrimSpace(v), " "); found && strings.EqualFold(scheme, "bearer") {
			if tok = strings.TrimSpace(tok); tok != "" {
				return tok
			}
		}
	}
	if v, ok := headerValue(header, "x-auth-token"); ok {
		v = strings.TrimSpace(v)
		if scheme, tok, found := strings.Cut(v, " "); found && strings.EqualFold(scheme, "bearer") {
			v = strings.TrimSpace(tok)
		}
		return v
	}
	return ""
}

func headerValue(header map[string]string, name string) (string, bool) {
	if v, ok := header[name]; ok {
		return v, true
	}
	for k, v := range header {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
