package auth_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

// TestJWTRefusesNonCanonicalBase64: the last base64 character of a segment
// carries bits beyond the bytes it encodes. A lenient decoder reads tokens
// that differ only there as the same signature, so anyone holding a token
// could mint other spellings of it that verify (and slip past anything keyed
// on a token's text, such as a revocation list). Strict decoding accepts the
// canonical spelling only.
func TestJWTRefusesNonCanonicalBase64(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(hsEnv(nil)))
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), "")
	_, err = a.Authenticate(authtest.Bearer(tok), nil, now)
	require.NoError(t, err, "the canonical token verifies")

	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	require.Len(t, sig, 43, "HS256's 32 bytes: the last character holds 4 bits and 2 of padding")
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	want, err := base64.RawURLEncoding.DecodeString(sig)
	require.NoError(t, err)
	for pad := 1; pad < 4; pad++ {
		alt := sig[:len(sig)-1] + string(alphabet[last^pad])
		same, err := base64.RawURLEncoding.DecodeString(alt)
		require.NoError(t, err)
		require.Equal(t, want, same, "a lenient decoder reads %s as the same signature", alt)

		_, err = a.Authenticate(authtest.Bearer(tok[:len(tok)-len(sig)]+alt), nil, now)
		var ae *auth.Error
		require.ErrorAs(t, err, &ae, "the spelling ending in %q is refused", alt[len(alt)-1:])
		assert.NotContains(t, ae.Reason, alt, "the reason does not echo the token")
	}
}
