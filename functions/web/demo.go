package main

import (
	"fmt"
	"io"
	"strings"
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
	for _, d := range demoDefaults {
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

// example is one request the start-up message shows as a curl command.
type example struct {
	what, method, path, body string
}

var examples = []example{
	{"health", "GET", "/healthz", ""},
	{"a presigned upload URL", "POST", "/presign", `{"method":"PUT","key":"uploads/hello.txt","expired":600}`},
	{"a presigned download URL", "GET", "/download?key=uploads/hello.txt", ""},
}

func (e example) curl(base string) string {
	if e.body == "" {
		return fmt.Sprintf("curl -s '%s%s'", base, e.path)
	}
	return fmt.Sprintf("curl -s -X %s '%s%s' -H 'Content-Type: application/json' -d '%s'", e.method, base, e.path, e.body)
}

// banner tells the developer where the service listens, how to call it, and
// whether its signatures are real.
func banner(w io.Writer, base string, demoFilled []string, real bool) {
	if len(demoFilled) > 0 {
		line := strings.Repeat("!", 78)
		fmt.Fprintf(w, "%s\n!! DEMO MODE: no COS credentials are set, so this server uses FAKE demo\n"+
			"!! credentials (%s). Its signatures and URLs have the right shape\n"+
			"!! but COS will refuse them. Anonymous writes and any CORS origin are allowed.\n"+
			"!! Set COS_SECRET_ID, COS_SECRET_KEY, COS_BUCKET and COS_REGION to sign for real.\n"+
			"!! Filled in: %s\n%s\n", line, demoSecretID, strings.Join(demoFilled, ", "), line)
	} else if real {
		fmt.Fprintf(w, "Signing for real with the credentials from the environment.\n")
	} else {
		fmt.Fprintf(w, "No COS credentials are set: signing routes answer 503 (run with -demo for fake demo credentials).\n")
	}
	fmt.Fprintf(w, "cos-signer listening on %s\nTry:\n", base)
	for _, e := range examples {
		fmt.Fprintf(w, "  # %s\n  %s\n", e.what, e.curl(base))
	}
}
