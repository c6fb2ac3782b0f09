// Command token mints a short-lived HS256 caller token for local testing
// (make token SUB=alice [TTL=1h]) and prints it alone on stdout, so that
// TOKEN=$(make -s token SUB=alice) works. It signs with AUTH_JWT_SECRET,
// AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE when they are set, else with the
// local secret that AUTH_MODE=jwt make run verifies with.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/internal/localdev"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, time.Now(), os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, now time.Time, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sub := fs.String("sub", "", "the caller's identity (the token's sub), e.g. alice")
	ttl := fs.Duration("ttl", time.Hour, "how long the token lasts (at most 24h)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	or := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	// Not trimmed, as the service reads it: spaces may be part of a secret.
	secret := getenv("AUTH_JWT_SECRET")
	if secret == "" {
		secret = localdev.Secret
	}
	tok, err := localdev.Token(secret, or("AUTH_JWT_ISSUER", localdev.Issuer), strings.TrimSpace(strings.Split(or("AUTH_JWT_AUDIENCE", localdev.Audience), ",")[0]),
		strings.TrimSpace(*sub), *ttl, now)
	if err != nil {
		fmt.Fprintln(stderr, "token:", err, "(usage: make token SUB=alice [TTL=1h])")
		return 2
	}
	fmt.Fprintln(stdout, tok)
	return 0
}
