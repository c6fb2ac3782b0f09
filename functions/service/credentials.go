package service

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/signer"
)

// Role credentials. SCF hands an event function its role's temporary keys
// (TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN) in each invocation's
// Environment, which scf-go-lib sets into the process before the handler
// runs: a key read once at start goes stale while the instance lives. With
// Options.CredentialsPerInvocation (the SCF main) the keys are read again
// for every request, and the signer rebuilt only when they changed. On
// Lambda the COS_* keys are the deployer's and fixed for the sandbox's life.
// When the expiry is known (COS_CREDENTIALS_EXPIRATION), nothing is signed
// past it, and no signature's window outlives it.

// signingKeys are the credentials a request is signed with.
type signingKeys struct {
	creds   signer.Credentials
	expires time.Time      // zero: unknown
	signer  *signer.Signer // nil: none usable
	missing []string       // the variables to set when there are none
	problem string         // why the ones set cannot sign, naming the variable
}

// keySource reads the credentials where the platform puts them.
type keySource struct {
	env      func(string) string // nil: those of the Config, fixed
	endpoint signer.Endpoint
	cur      atomic.Pointer[signingKeys]
}

// hostOnly are placeholder credentials for the signer that only derives
// hosts, which depend on the endpoint alone.
var hostOnly = signer.Credentials{SecretID: "host-only", SecretKey: "host-only"}

func newKeySource(cfg Config, perInvocation bool) (*keySource, error) {
	k := &keySource{endpoint: cfg.Endpoint}
	if perInvocation {
		k.env = cfg.credentialEnv
	}
	first := &signingKeys{creds: cfg.Credentials, expires: cfg.CredentialsExpiration, missing: cfg.MissingCredentials}
	if len(cfg.MissingCredentials) == 0 {
		sg, err := signer.New(cfg.Credentials, cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("signing credentials or endpoint: %s", signerMessage(err))
		}
		first.signer = sg
	}
	k.cur.Store(first)
	return k, nil
}

// loadCredentials reads the signing credentials into c: COS_*, else the
// role keys SCF injects (TENCENTCLOUD_*), and COS_CREDENTIALS_EXPIRATION.
func loadCredentials(env func(string) string, c *Config) error {
	creds, expires, vars, missing, err := credentialsFrom(env)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		if _, err := signer.New(creds, signer.Endpoint{}); err != nil {
			return fmt.Errorf("%s: %s", vars, signerMessage(err))
		}
	}
	c.Credentials, c.CredentialsExpiration, c.MissingCredentials = creds, expires, missing
	return nil
}

func credentialsFrom(env func(string) string) (c signer.Credentials, expires time.Time, vars string, missing []string, err error) {
	c = signer.Credentials{SecretID: env("COS_SECRET_ID"), SecretKey: env("COS_SECRET_KEY"), SessionToken: env("COS_SESSION_TOKEN")}
	vars = "COS_SECRET_ID / COS_SECRET_KEY / COS_SESSION_TOKEN"
	if c.SecretID == "" && c.SecretKey == "" {
		// SCF injects the function role's temporary credentials here.
		c = signer.Credentials{SecretID: env("TENCENTCLOUD_SECRETID"), SecretKey: env("TENCENTCLOUD_SECRETKEY"), SessionToken: env("TENCENTCLOUD_SESSIONTOKEN")}
		vars = "TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY / TENCENTCLOUD_SESSIONTOKEN"
	}
	if c.SecretID == "" {
		missing = append(missing, "COS_SECRET_ID (or TENCENTCLOUD_SECRETID)")
	}
	if c.SecretKey == "" {
		missing = append(missing, "COS_SECRET_KEY (or TENCENTCLOUD_SECRETKEY)")
	}
	expires, err = credentialsExpiration(env("COS_CREDENTIALS_EXPIRATION"))
	return c, expires, vars, missing, err
}

// credentialsExpiration reads COS_CREDENTIALS_EXPIRATION: RFC 3339, or Unix
// seconds (STS's ExpiredTime); empty is unknown.
func credentialsExpiration(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("COS_CREDENTIALS_EXPIRATION: %q is neither an RFC 3339 time (2026-12-05T10:00:00Z) nor Unix seconds", v)
}

// credentialLookup is how the credential variables are read again later:
// trimmed, and a deploy tool's unreplaced "${…}" is no value, as at start.
func credentialLookup(getenv func(string) string) func(string) string {
	return func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if strings.HasPrefix(v, "${") {
			return ""
		}
		return v
	}
}

// current is the credentials to sign with now: read again where the
// platform replaces them, the signer rebuilt only when they changed.
func (k *keySource) current() *signingKeys {
	cur := k.cur.Load()
	if k.env == nil {
		return cur
	}
	c, expires, vars, missing, err := credentialsFrom(k.env)
	if cur.creds == c && cur.expires.Equal(expires) && (err == nil) == (cur.problem == "") {
		return cur
	}
	next := &signingKeys{creds: c, expires: expires, missing: missing}
	switch {
	case err != nil:
		next.problem = err.Error()
	case len(missing) == 0:
		sg, err := signer.New(c, k.endpoint)
		if err != nil {
			next.problem = vars + ": " + signerMessage(err)
		} else {
			next.signer = sg
		}
	}
	k.cur.Store(next)
	return next
}

// usable refuses credentials that cannot sign now: none at all (they went
// between the check at the route and here), or expired, since COS would
// refuse what they sign and an answer that works nowhere is worse than a
// clear 503.
func (k *signingKeys) usable(now time.Time) *apiError {
	if k.signer == nil {
		return &apiError{http.StatusServiceUnavailable, "ServiceNotConfigured", "cannot sign: no usable credentials"}
	}
	if !k.expires.IsZero() && !now.Before(k.expires) {
		return &apiError{http.StatusServiceUnavailable, "CredentialsExpired",
			fmt.Sprintf("cannot sign: the service's credentials expired at %s (COS_CREDENTIALS_EXPIRATION); the function needs fresh ones", k.expires.UTC().Format(time.RFC3339))}
	}
	return nil
}

// capToCredentials shortens a window of secs seconds from now so that it
// ends when the credentials do: COS refuses a request once the key that
// signed it has expired, whatever the signature's window says. The
// answer's expiredTime shows where it ends.
func (k *signingKeys) capToCredentials(secs int64, now time.Time) int64 {
	if k.expires.IsZero() {
		return secs
	}
	// Whole seconds, as the window counts them: it ends at now.Unix()+secs.
	return max(min(secs, k.expires.Unix()-now.Unix()), 1)
}

// stsKeys are the keys /sts's calls to STS are signed with: the current
// ones, as a signing request's (SCF's role keys change between
// invocations), and none that are gone or past COS_CREDENTIALS_EXPIRATION,
// which STS would refuse. Credentials STS vended earlier stay valid until
// their own expiry whatever happens to these keys.
func (s *Service) stsKeys() (signer.Credentials, error) {
	k := s.keys.current()
	if aerr := k.usable(s.now()); aerr != nil {
		return signer.Credentials{}, &sts.Error{Status: aerr.status, Code: aerr.code, Message: aerr.message}
	}
	return k.creds, nil
}
