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
	token                    bool // sends the caller's token, $TOKEN
}

// exampleUser is the caller the examples sign for when callers authenticate.
const exampleUser = "alice"

// examplesFor are the requests the start-up message shows: with caller
// authentication they send $TOKEN, and the key lies in exampleUser's folder
// when the prefixes hold {sub}.
func examplesFor(cfg service.Config) []example {
	token := cfg.Auth != nil && cfg.Auth.Mode() == auth.ModeJWT
	key := "uploads/hello.txt"
	for _, r := range cfg.KeyPrefixes {
		if p, ok := r.Fill(exampleUser); ok && r.HasSub() && r.AllowsMethod("PUT") {
			key = strings.TrimSuffix(p, "/") + "/hello.txt"
			break
		}
	}
	thumb := "/download?key=" + strings.TrimSuffix(key, "hello.txt") + "cat.jpg&process=imageMogr2/thumbnail/200x"
	if cfg.CDN.On() {
		thumb += "&via=cos" // the CDN signature would not cover the processing
	}
	return []example{
		{"health", "GET", "/healthz", "", false, false},
		{"a presigned upload URL", "POST", "/presign", `{"method":"PUT","key":"` + key + `","expired":600}`, true, token},
		{"a presigned download URL", "GET", "/download?key=" + key, "", false, token},
		{"a thumbnail (Cloud Infinite processing, signed)", "GET", thumb, "", false, token},
	}
}

func (e example) curl(base string) string {
	auth := ""
	if e.token {
		auth = ` -H "Authorization: Bearer $TOKEN"`
	}
	if e.body == "" {
		return fmt.Sprintf("curl -s '%s%s'%s", base, e.path, auth)
	}
	return fmt.Sprintf("curl -s -X %s '%s%s'%s -H 'Content-Type: application/json' -d '%s'", e.method, base, e.path, auth, e.body)
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
	if cdn := cfg.CDN; len(cdn.Missing) > 0 {
		warn = append(warn, fmt.Sprintf("A CDN is configured in part: %s not set, so /healthz and downloads through the CDN answer 503 ServiceNotConfigured (the other routes still sign). Set them, or unset every CDN_* variable.",
			strings.Join(cdn.Missing, ", ")))
	}
	localToken := slices.Contains(demoFilled, "AUTH_JWT_SECRET")
	switch {
	case localToken:
		warn = append(warn, "Callers must authenticate (AUTH_MODE=jwt), with tokens of the local secret make run filled in: "+
			"in a second terminal (this one is the server's), TOKEN=$(make -s token SUB="+exampleUser+") mints one for "+exampleUser+", valid 1 h. The examples below send it.")
	case !anonymous:
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
	if cdn := cfg.CDN; cdn.On() && len(cdn.Missing) == 0 {
		fmt.Fprintf(w, "Downloads go through the CDN at %s (Type%c URL authentication, valid CDN_AUTH_TTL=%d s after the timestamp); via=cos gives a COS URL.\n",
			cdn.Domain, cdn.Auth.Type, cdn.TTL)
	}

	if l.all {
		fmt.Fprintf(w, "cos-signer listening on every interface (%s from this machine)\n", l.base)
	} else {
		fmt.Fprintf(w, "cos-signer listening on %s (this machine only; LISTEN_HOST=0.0.0.0 listens on every interface)\n", l.base)
	}
	fmt.Fprintln(w, "Try:")
	for _, e := range examplesFor(cfg) {
		note := ""
		if e.write && writesRefused {
			note = " (refused: writes need caller authentication, see above)"
		}
		fmt.Fprintf(w, "  # %s%s\n  %s\n", e.what, note, e.curl(l.base))
	}
	if len(demoFilled) > 0 && anonymous {
		fmt.Fprintln(w, "Per-user folders, each caller with a token: AUTH_MODE=jwt make run, then TOKEN=$(make -s token SUB="+exampleUser+") (docs/auth.md).")
	}
}

// misconfiguredBanner says that the server signs nothing until the
// configuration error is fixed, and where to see it again.
func misconfiguredBanner(w io.Writer, l listening, err error) {
	fmt.Fprintf(w, "!! CONFIGURATION ERROR: %s\n!! Nothing is signed: every route, /healthz included, answers 503 ConfigurationError with this message until it is fixed and the server restarted.\n", err)
	fmt.Fprintf(w, "cos-signer listening on %s\n  curl -s '%s/healthz'\n", l.base, l.base)
}
