package auth_test

import (
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

// The parser is built once, at load: per token, Authenticate costs what
// golang-jwt's parse of that token costs with a parser built beforehand,
// plus the Identity it returns, and nothing for its configuration.
func TestJWTParserIsBuiltAtLoad(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are not meaningful under -race")
	}
	env := hsEnv(map[string]string{"AUTH_JWT_ISSUER": "https://issuer.example", "AUTH_JWT_AUDIENCE": "web,app"})
	a, err := auth.FromEnv(authtest.Getenv(env))
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodHS256, []byte(secret), claims(map[string]any{"iss": "https://issuer.example", "aud": "app"}), "")
	header := authtest.Bearer(tok)
	_, err = a.Authenticate(header, nil, now)
	require.NoError(t, err)

	prebuilt := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(time.Minute), jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithStrictDecoding(), jwt.WithIssuer("https://issuer.example"), jwt.WithAudience("web", "app"))
	var key any = []byte(secret)
	keyFunc := func(*jwt.Token) (any, error) { return key, nil }
	parseOnly := testing.AllocsPerRun(200, func() {
		if _, err := prebuilt.ParseWithClaims(tok, jwt.MapClaims{}, keyFunc); err != nil {
			t.Fatal(err)
		}
	})
	authenticate := testing.AllocsPerRun(200, func() {
		if _, err := a.Authenticate(header, nil, now); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, authenticate, parseOnly+1, "allocations per token beyond golang-jwt's parse and the Identity: configuration rebuilt per request")
}

// Parsers are reused across requests, each request's clock its own: tokens
// judged at the same moment from many goroutines, half of them at a time
// past their expiry, each get the answer for their own clock.
func TestJWTClockIsPerRequestUnderConcurrency(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(hsEnv(nil)))
	require.NoError(t, err)
	header := authtest.Bearer(sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil), ""))
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				late := (g+i)%2 == 1
				at := now
				if late {
					at = now.Add(2 * time.Hour)
				}
				_, err := a.Authenticate(header, nil, at)
				if late && (err == nil || err.Error() != "token expired") || !late && err != nil {
					errs <- "late=" + map[bool]string{true: "true", false: "false"}[late] + " got " + errString(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
