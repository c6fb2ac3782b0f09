package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/service"
)

// example is one request the start-up message shows as a curl command.
type example struct {
	what, method, path, body string
	write                    bool // refused without caller authentication
}

var examples = []example{
	{"health", "GET", "/healthz", "", false},
	{"a presigned upload URL", "POST", "/presign", `{"method":"PUT","key":"uploads/hello.txt","expired":600}`, true},
	{"a presigned download URL", "GET", "/download?key=uploads/hello.txt", "", false},
}

func (e example) curl(base string) string {
	if e.body == "" {
		return fmt.Sprintf("curl -s '%s%s'", base, e.path)
	}
	return fmt.Sprintf("curl -s -X %s '%s%s' -H 'Content-Type: application/json' -d '%s'", e.method, base, e.path, e.body)
}

// listening says where the server is reachable.
type listening struct {
	base string // how this machine reaches it
	all  bool   // on every interface, not only loopback
}

// banner tells the developer where the service listens, how to call it, and
// what it will and will not sign, from the configuration it runs with
// (demoFilled: the variables -demo filled in).
func banner(w io.Writer, l listening, demoFilled []string, cfg service.Config) {
	var warn []string
	writes := slices.ContainsFunc(cfg.AllowedMethods, func(m string) bool { return m == "PUT" || m == "POST" || m == "DELETE" })
	anonymous := cfg.Auth == nil || cfg.Auth.Mode() == auth.ModeNone
	writesRefused := writes && anonymous && !cfg.AllowAnonymousWrites

	if len(demoFilled) > 0 {
		var allowed []string
		if writes && anonymous && cfg.AllowAnonymousWrites {
			allowed = append(allowed, "anonymous writes")
		}
		if slices.Contains(cfg.CORSOrigins, "*") {
			allowed = append(allowed, "any CORS origin")
		}
		line := strings.Repeat("!", 78)
		fmt.Fprintf(w, "%s\n!! DEMO MODE: no COS credentials are set, so this server uses FAKE demo\n"+
			"!! credentials (%s). Its signatures and URLs have the right shape\n"+
			"!! but COS will refuse them.", line, demoSecretID)
		if len(allowed) > 0 {
			fmt.Fprintf(w, " Allowed for local use: %s.", strings.Join(allowed, " and "))
		}
		fmt.Fprintf(w, "\n!! Set COS_SECRET_ID, COS_SECRET_KEY, COS_BUCKET and COS_REGION to sign for real.\n"+
			"!! Filled in: %s\n%s\n", strings.Join(demoFilled, ", "), line)
	} else if len(cfg.MissingCredentials) > 0 {
		warn = append(warn, fmt.Sprintf("No COS credentials: every signing route answers 503. Set %s (make run, or -demo, fills in fake demo ones).",
			strings.Join(cfg.MissingCredentials, " and ")))
	}

	switch {
	case cfg.Bucket == "" && len(cfg.AllowedBuckets) == 0:
		warn = append(warn, "No bucket: neither COS_BUCKET nor COS_ALLOWED_BUCKETS is set, so every signing route answers 503. Set COS_BUCKET (name-appid).")
	case cfg.Bucket == "":
		warn = append(warn, "COS_BUCKET is not set: each request must name one of COS_ALLOWED_BUCKETS (requests without a bucket answer 400 MissingBucket).")
	}
	if cfg.Endpoint.Region == "" && cfg.Endpoint.Endpoint == "" && cfg.Endpoint.Domain == "" && len(cfg.AllowedRegions) == 0 {
		warn = append(warn, "No region: neither COS_REGION nor COS_ALLOWED_REGIONS is set, so every signing route answers 503. Set COS_REGION (e.g. ap-guangzhou).")
	}
	if writesRefused {
		warn = append(warn, "Uploads and deletes (PUT, POST, DELETE) are refused with 403 AnonymousWriteRefused: callers are not authenticated (AUTH_MODE=none). "+
			"Set AUTH_MODE=jwt (or gateway) to authenticate them, or SIGN_ALLOW_ANONYMOUS_WRITES=true to sign writes for anyone who can reach this server.")
	}
	if !anonymous {
		warn = append(warn, fmt.Sprintf("Callers must authenticate (AUTH_MODE=%s): the examples below answer 401 without a token (add -H 'Authorization: Bearer <token>').", cfg.Auth.Mode()))
	}

	if len(demoFilled) == 0 && len(cfg.MissingCredentials) == 0 {
		if len(warn) == 0 {
			fmt.Fprintln(w, "Signing for real with the credentials from the environment.")
		} else {
			fmt.Fprintln(w, "Real credentials are set, but:")
		}
	}
	for _, m := range warn {
		fmt.Fprintf(w, "!! %s\n", m)
	}

	if l.all {
		fmt.Fprintf(w, "cos-signer listening on every interface (%s from this machine)\n", l.base)
	} else {
		fmt.Fprintf(w, "cos-signer listening on %s (this machine only; LISTEN_HOST=0.0.0.0 listens on every interface)\n", l.base)
	}
	fmt.Fprintln(w, "Try:")
	for _, e := range examples {
		note := ""
		if e.write && writesRefused {
			note = " (refused: writes need caller authentication, see above)"
		}
		fmt.Fprintf(w, "  # %s%s\n  %s\n", e.what, note, e.curl(l.base))
	}
}

// misconfiguredBanner says that the server signs nothing until the
// configuration error is fixed, and where to see it again.
func misconfiguredBanner(w io.Writer, l listening, err error) {
	fmt.Fprintf(w, "!! CONFIGURATION ERROR: %s\n!! Nothing is signed: every route, /healthz included, answers 503 ConfigurationError with this message until it is fixed and the server restarted.\n", err)
	fmt.Fprintf(w, "cos-signer listening on %s\n  curl -s '%s/healthz'\n", l.base, l.base)
}
