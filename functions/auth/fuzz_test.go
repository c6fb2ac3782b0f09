package auth_test

import (
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

// FuzzAuthenticate feeds arbitrary header values to every jwt key source and
// to the gateway mode: nothing may panic, every refusal is an *auth.Error,
// and no refusal echoes what the caller sent.
func FuzzAuthenticate(f *testing.F) {
	k := genKeys(f)
	envs := []map[string]string{
		{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": secret, "AUTH_JWT_AUDIENCE": "cos-signer", "AUTH_JWT_ISSUER": "iss"},
		{"AUTH_MODE": "jwt", "AUTH_JWT_PUBLIC_KEY": pkixPEM(f, &k.rsa.PublicKey)},
		{"AUTH_MODE": "jwt", "AUTH_JWKS": jwks(f, rsaJWK("r", &k.rsa.PublicKey), ecJWK("e", &k.ec.PublicKey))},
		{"AUTH_MODE": "gateway"},
	}
	var authenticators []auth.Authenticator
	for _, env := range envs {
		a, err := auth.FromEnv(authtest.Getenv(env))
		if err != nil {
			f.Fatal(err)
		}
		authenticators = append(authenticators, a)
	}

	valid := sign(f, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"aud": "cos-signer", "iss": "iss"}), "")
	f.Add("Bearer "+valid, "")
	f.Add("", valid)
	f.Add("Bearer "+sign(f, jwt.SigningMethodES256, k.ec, claims(nil), "e"), "")
	f.Add("Bearer "+sign(f, jwt.SigningMethodRS256, k.rsa, claims(nil), "r"), "")
	f.Add("Bearer "+unsigned(f, claims(nil)), "")
	f.Add("Bearer a.b.c", "Bearer ...")
	f.Add("bearer "+strings.Repeat("e30.", 3), "\x00\xff")
	f.Add("Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiJ4In0.", "Bearer")

	f.Fuzz(func(t *testing.T, authorization, xAuthToken string) {
		header := map[string]string{"authorization": authorization, "x-auth-token": xAuthToken}
		// The gateway mode also gets the same strings as an authorizer context.
		authorizer := map[string]any{"principalId": authorization, "jwt": map[string]any{"claims": map[string]string{"sub": xAuthToken}}}
		for _, a := range authenticators {
			id, err := a.Authenticate(header, authorizer, now)
			if err == nil {
				if id == nil || id.Subject == "" {
					t.Fatalf("%s: accepted without an identity", a.Mode())
				}
				continue
			}
			ae, ok := err.(*auth.Error)
			if !ok {
				t.Fatalf("%s: error %T is not *auth.Error", a.Mode(), err)
			}
			for _, sent := range []string{authorization, xAuthToken} {
				if len(sent) >= 16 && strings.Contains(ae.Reason, sent) {
					t.Fatalf("%s: reason %q echoes the caller's header", a.Mode(), ae.Reason)
				}
			}
		}
	})
}
