package main

import (
	"slices"
	"strings"

	"github.com/cos-signer/cos-signer/internal/localdev"
)

// Demo credentials: obviously fake, so that `make run` works without a
// cloud account. COS refuses their signatures.
const (
	demoSecretID  = "AKIDDEMO-NOT-A-REAL-KEY"
	demoSecretKey = "demo-secret-not-real"
)

// demoDefaults is the permissive local setup -demo uses when no credentials
// are set; a variable already set keeps its value.
var demoDefaults = []struct{ name, value string }{
	{"COS_SECRET_ID", demoSecretID},
	{"COS_SECRET_KEY", demoSecretKey},
	{"COS_BUCKET", "examplebucket-1250000000"},
	{"COS_REGION", "ap-guangzhou"},
	{"SIGN_ALLOW_ANONYMOUS_WRITES", "true"},
	{"CORS_ALLOWED_ORIGINS", "*"},
}

// demoTokenDefaults are what -demo adds with AUTH_MODE=jwt and no key of the
// developer's: the local secret `make token` signs with, and a folder per
// caller (AUTH_MODE=jwt refuses to start without prefixes).
var demoTokenDefaults = []struct{ name, value string }{
	{"AUTH_JWT_SECRET", localdev.Secret},
	{"AUTH_JWT_ISSUER", localdev.Issuer},
	{"AUTH_JWT_AUDIENCE", localdev.Audience},
	{"SIGN_KEY_PREFIXES", "users/{sub}/"},
}

// hasCredentials reports whether real credentials are configured.
func hasCredentials(getenv func(string) string) bool {
	for _, n := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "TENCENTCLOUD_SECRETID", "TENCENTCLOUD_SECRETKEY"} {
		if strings.TrimSpace(getenv(n)) != "" {
			return true
		}
	}
	return false
}

// demoEnv layers the demo defaults under the real environment. It returns
// the lookup and the names it filled (none when credentials are set: then
// the service signs for real with the environment as it is).
func demoEnv(getenv func(string) string) (func(string) string, []string) {
	if hasCredentials(getenv) {
		return getenv, nil
	}
	fill := map[string]string{}
	var filled []string
	defaults := demoDefaults
	if wantsLocalTokens(getenv) {
		defaults = append(slices.Clone(defaults), demoTokenDefaults...)
	}
	for _, d := range defaults {
		if getenv(d.name) == "" {
			fill[d.name] = d.value
			filled = append(filled, d.name)
		}
	}
	return func(k string) string {
		if v, ok := fill[k]; ok {
			return v
		}
		return getenv(k)
	}, filled
}

// wantsLocalTokens: AUTH_MODE=jwt without a key of the developer's.
func wantsLocalTokens(getenv func(string) string) bool {
	if !strings.EqualFold(strings.TrimSpace(getenv("AUTH_MODE")), "jwt") {
		return false
	}
	for _, n := range []string{"AUTH_JWT_SECRET", "AUTH_JWT_PUBLIC_KEY", "AUTH_JWKS", "AUTH_JWKS_URL"} {
		if strings.TrimSpace(getenv(n)) != "" {
			return false
		}
	}
	return true
}
