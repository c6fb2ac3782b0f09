// Package interop drives the official COS client SDKs (cos-nodejs-sdk-v5,
// cos-wx-sdk-v5 under a wx shim) through the real signing service, with
// README's getAuthorization recipes, against a fake COS that checks every
// signature with cos-go-sdk-v5. It prints a table of flow × configuration
// × result.
package interop

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/cos-signer/cos-signer/internal/interoptest"
)

// config is one deployment the flows run under.
type config struct {
	name   string
	vars   map[string]string // the service's environment
	user   string            // the JWT subject, when AUTH_MODE=jwt
	prefix string            // where the caller may write
	other  string            // another user's key, refused
	limits bool              // upload limits set: the limit flows run
}

// maxContentLength is the limits configuration's SIGN_MAX_CONTENT_LENGTH:
// one SDK part (1 MiB) fits.
const maxContentLength = "1048576"

// "default" is `make run`'s local setup: every SIGN_* default, anonymous
// callers allowed to write (SIGN_ALLOW_ANONYMOUS_WRITES=true). "jwt" is a
// production-like one: callers prove who they are with a JWT, write and
// delete only under their own folder. "limits" adds upload limits to it.
var configs = []config{
	{name: "default", vars: map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"}, prefix: "interop/"},
	{name: "default+token", vars: map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "COS_SESSION_TOKEN": interoptest.SessionToken}, prefix: "interop/"},
	{name: "jwt", vars: jwtVars(nil), user: "alice", prefix: "users/alice/", other: "users/bob/not-mine.txt"},
	{name: "jwt+token", vars: jwtVars(map[string]string{"COS_SESSION_TOKEN": interoptest.SessionToken}), user: "alice", prefix: "users/alice/", other: "users/bob/not-mine.txt"},
	{name: "limits", vars: jwtVars(map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "text/plain,application/octet-stream,image/jpeg", "SIGN_MAX_CONTENT_LENGTH": maxContentLength}),
		user: "alice", prefix: "users/alice/", limits: true},
}

// jwtVars is a production-like policy: callers prove who they are with a
// JWT and write only under their own folder.
func jwtVars(more map[string]string) map[string]string {
	v := authtest.HS256Env(authtest.Secret)
	v["SIGN_KEY_PREFIXES"] = "users/{sub}/"
	v["SIGN_ALLOWED_METHODS"] = "GET,HEAD,PUT,POST,DELETE"
	maps.Copy(v, more)
	return v
}

// table collects flow × configuration × result for the summary.
var table = struct {
	sync.Mutex
	rows map[string]map[string]string // flow → config → result
	cols []string
}{rows: map[string]map[string]string{}}

func record(flow, cfg, result string) {
	table.Lock()
	defer table.Unlock()
	if table.rows[flow] == nil {
		table.rows[flow] = map[string]string{}
	}
	table.rows[flow][cfg] = result
	if !slices.Contains(table.cols, cfg) {
		table.cols = append(table.cols, cfg)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	printTable()
	os.Exit(code)
}

func printTable() {
	table.Lock()
	defer table.Unlock()
	if len(table.rows) == 0 {
		return
	}
	// Columns in a fixed order: SDK, then configuration; any other column
	// (the /sts runs) after them, by name.
	var cols, rest []string
	for _, sdk := range []string{"node", "wx", "browser"} {
		for _, c := range append(slices.Clone(configs), config{name: "noETag"}) {
			if slices.Contains(table.cols, sdk+" "+c.name) {
				cols = append(cols, sdk+" "+c.name)
			}
		}
	}
	for _, c := range table.cols {
		if !slices.Contains(cols, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	table.cols = append(cols, rest...)
	flows := make([]string, 0, len(table.rows))
	for f := range table.rows {
		flows = append(flows, f)
	}
	sort.Strings(flows)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| flow | %s |\n|---|%s\n", strings.Join(table.cols, " | "), strings.Repeat("---|", len(table.cols)))
	for _, f := range flows {
		fmt.Fprintf(&b, "| %s |", f)
		for _, c := range table.cols {
			r := table.rows[f][c]
			if r == "" {
				r = "—"
			}
			fmt.Fprintf(&b, " %s |", r)
		}
		b.WriteString("\n")
	}
	fmt.Print(b.String())
}

// expectation is what a flow must do under a configuration.
type expectation struct {
	ok      bool
	code    string // for a refusal: the service's code the recipe must log
	message string // and what its message must say
	cos     string // for a refusal by COS itself: its error code
	sdk     string // for a failure the SDK itself reports: what it says
}

// check compares one flow's result with what it must do and records it in
// the table's column col ("<sdk> <configuration>").
func check(t *testing.T, col string, results map[string]interoptest.Result, flow string, want expectation, extra func(interoptest.Result) error) {
	t.Run(flow, func(t *testing.T) {
		r, ran := results[flow]
		if !ran {
			record(flow, col, "not run")
			t.Fatalf("the script did not report %s", flow)
		}
		var problem error
		switch {
		case want.ok && !r.OK:
			problem = fmt.Errorf("failed: %s (code %q, recipe logged %q)", r.Error, r.Code, r.Logged)
		case !want.ok && r.OK:
			problem = fmt.Errorf("succeeded, but must be refused with %s", want.code)
		case want.sdk != "":
			if r.OK || !strings.Contains(r.Error, want.sdk) {
				problem = fmt.Errorf("ok=%v (%s), but the SDK must fail saying %q", r.OK, r.Error, want.sdk)
			}
		case want.cos != "" && r.Code != want.cos:
			problem = fmt.Errorf("failed with %q (%s), but COS must refuse it with %s", r.Code, r.Error, want.cos)
		case want.cos == "" && !want.ok && !strings.Contains(strings.Join(r.Logged, "\n"), want.code):
			problem = fmt.Errorf("refused, but the recipe logged %q, not the service's %s", r.Logged, want.code)
		case !want.ok && !strings.Contains(strings.Join(r.Logged, "\n"), want.message):
			problem = fmt.Errorf("refused with %q, which does not say %q", r.Logged, want.message)
		case extra != nil:
			problem = extra(r)
		}
		if problem != nil {
			record(flow, col, "FAIL")
			t.Fatal(problem)
		}
		switch {
		case want.ok:
			record(flow, col, "pass")
		case want.cos != "":
			record(flow, col, "refused by COS ("+want.cos+")")
		case want.sdk != "":
			record(flow, col, "SDK fails: "+want.sdk)
		default:
			record(flow, col, "refused ("+want.code+")")
		}
	})
}

// storedCheck checks that the fake COS holds, under the key the flow
// reports, the bytes whose SHA-256 it reports.
func storedCheck(env *interoptest.Env) func(interoptest.Result) error {
	return func(r interoptest.Result) error {
		key, _ := r.Data["key"].(string)
		o := env.COS.Object(interoptest.Host, key)
		if o == nil {
			return fmt.Errorf("the fake COS has no %s", key)
		}
		sum := sha256.Sum256(o.Data)
		if hex.EncodeToString(sum[:]) != r.Data["sha256"] {
			return fmt.Errorf("%s holds %d bytes that are not what the SDK sent", key, len(o.Data))
		}
		return nil
	}
}

// multipartCheck checks that the object is stored and went up in at
// least 3 parts.
func multipartCheck(env *interoptest.Env) func(interoptest.Result) error {
	stored := storedCheck(env)
	return func(r interoptest.Result) error {
		if err := stored(r); err != nil {
			return err
		}
		key, _ := r.Data["key"].(string)
		parts := 0
		for _, e := range env.COS.Log() {
			if e.Key == key && e.Method == "PUT" && strings.Contains(e.Query, "partNumber=") && e.Status == 200 {
				parts++
			}
		}
		if parts < 3 {
			return fmt.Errorf("%s went up in %d parts, want at least 3", key, parts)
		}
		return nil
	}
}

// etagCheck checks that the ETag the fake COS computed from what it
// received is the MD5 of the text the flow sent.
func etagCheck(r interoptest.Result) error {
	text, _ := r.Data["text"].(string)
	sum := md5.Sum([]byte(text))
	if want := `"` + hex.EncodeToString(sum[:]) + `"`; r.Data["etag"] != want {
		return fmt.Errorf("ETag %v is not the MD5 of what the SDK sent (%v)", r.Data["etag"], want)
	}
	return nil
}

// limitChecks are the flows under upload limits. cos-nodejs-sdk-v5 passes
// the headers it sends to getAuthorization, so /auth can sign the type and
// length; the browser and mini-program SDKs do not, so /auth refuses them
// and says what enforces the limit instead.
func limitChecks(t *testing.T, sdk string, cfg config, env *interoptest.Env, res map[string]interoptest.Result) {
	col := sdk + " " + cfg.name
	if sdk == "node" {
		check(t, col, res, "limitsPutObject", expectation{ok: true}, etagCheck)
		check(t, col, res, "limitsPutWrongType", expectation{code: "ContentTypeNotAllowed"}, nil)
		check(t, col, res, "limitsUploadFile", expectation{ok: true}, multipartCheck(env))
		return
	}
	refused := expectation{code: "MissingContentType", message: "/post-policy"}
	for _, flow := range []string{"limitsPutObject", "limitsPutWrongType", "limitsUploadFile"} {
		check(t, col, res, flow, refused, nil)
	}
}

// objectChecks are the flows of lib/flows.js, checked against what the
// fake COS saw and kept.
func objectChecks(t *testing.T, sdk string, cfg config, env *interoptest.Env, res map[string]interoptest.Result) {
	col := sdk + " " + cfg.name
	ok := expectation{ok: true}
	multipart := multipartCheck(env)
	// deleteObject removes it later: the ETag says the fake COS got the SDK's bytes.
	check(t, col, res, "putObject", ok, etagCheck)
	check(t, col, res, "headObject", ok, nil)
	check(t, col, res, "getObject", ok, nil)
	check(t, col, res, "uploadFile", ok, multipart)
	check(t, col, res, "sliceUploadFile", ok, multipart)
	check(t, col, res, "getObjectUrl", ok, func(interoptest.Result) error {
		// The plain GET: the signature in the query, and a session token
		// as a query parameter (no header can come with a plain link).
		for _, e := range env.COS.Log() {
			if e.Key == cfg.prefix+"hello.txt" && e.Method == "GET" && strings.Contains(e.Query, "q-signature=") {
				if token := cfg.vars["COS_SESSION_TOKEN"] != ""; token && e.TokenIn != "query" {
					return fmt.Errorf("the signed URL carries the session token in %q, not the query", e.TokenIn)
				}
				return nil
			}
		}
		return fmt.Errorf("the fake COS saw no GET by signed URL")
	})
	check(t, col, res, "getObjectUrlThumbnail", ok, func(r interoptest.Result) error {
		// The processing reached the fake COS signed, in the list the
		// shared vectors give (encoded twice in the URL).
		if u, _ := r.Data["url"].(string); !strings.Contains(u, "q-url-param-list=imagemogr2%252fthumbnail%252f200x") {
			return fmt.Errorf("the SDK's URL does not list the thumbnail as signed: %s", u)
		}
		for _, e := range env.COS.Log() {
			if e.Key == cfg.prefix+"hello.txt" && e.Method == "GET" && e.Processing == "imageMogr2/thumbnail/200x" {
				if !e.ProcessingSigned || e.Status != 200 {
					return fmt.Errorf("the fake COS saw the thumbnail unsigned or refused it: %+v", e)
				}
				return nil
			}
		}
		return fmt.Errorf("the fake COS saw no GET with the thumbnail")
	})
	deleted := ok
	if !strings.Contains(cfg.vars["SIGN_ALLOWED_METHODS"], "DELETE") {
		// DELETE is not in the default SIGN_ALLOWED_METHODS.
		deleted = expectation{code: "MethodNotAllowed"}
	}
	check(t, col, res, "deleteObject", deleted, func(interoptest.Result) error {
		if gone := env.COS.Object(interoptest.Host, cfg.prefix+"hello.txt") == nil; gone != deleted.ok {
			return fmt.Errorf("the object is gone: %v", gone)
		}
		return nil
	})
	check(t, col, res, "retryAfter503", ok, func(interoptest.Result) error {
		var seen []fakecos.Entry
		for _, e := range env.COS.Log() {
			if e.Key == cfg.prefix+"retry.txt" && e.Method != "OPTIONS" { // a browser's preflights aside
				seen = append(seen, e)
			}
		}
		if len(seen) != 2 || seen[0].Status != 503 || !seen[1].Retry || seen[1].Status != 200 {
			return fmt.Errorf("want a 503, then a retry (x-cos-sdk-retry) answered 200; the fake COS saw %+v", seen)
		}
		return nil
	})
	if cfg.other != "" {
		check(t, col, res, "otherUsersKey", expectation{code: "KeyNotAllowed"}, func(interoptest.Result) error {
			if env.COS.Object(interoptest.Host, cfg.other) != nil {
				return fmt.Errorf("another user's key was written")
			}
			return nil
		})
	}
}

// start runs the service and fake COS for cfg, arms the 503 of
// retryAfter503, and returns the script's variables.
func start(t *testing.T, cfg config) (*interoptest.Env, map[string]string) {
	env := interoptest.Start(t, cfg.vars)
	env.COS.FailOnce("PUT", cfg.prefix+"retry.txt")
	vars := map[string]string{"KEY_PREFIX": cfg.prefix, "OTHER_KEY": cfg.other}
	if cfg.limits {
		vars["LIMITS"], vars["MAX_CONTENT_LENGTH"] = "1", maxContentLength
	}
	if cfg.user != "" {
		vars["USER_TOKEN"] = authtest.Token(t, authtest.Secret, cfg.user, time.Hour)
	}
	return env, vars
}

func TestNodeSDK(t *testing.T) {
	t.Parallel()
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			env, vars := start(t, cfg)
			res := env.Node(t, "node-sdk.js", vars)
			if cfg.limits {
				limitChecks(t, "node", cfg, env, res)
				return
			}
			objectChecks(t, "node", cfg, env, res)
		})
	}
}

func TestWxSDK(t *testing.T) {
	t.Parallel()
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			env, vars := start(t, cfg)
			res := env.Node(t, "wx-sdk.js", vars)
			stored := storedCheck(env)
			col := "wx " + cfg.name
			if cfg.limits {
				limitChecks(t, "wx", cfg, env, res)
				check(t, col, res, "postPolicyTooLarge", expectation{cos: "EntityTooLarge"}, nil)
			} else {
				objectChecks(t, "wx", cfg, env, res)
				check(t, col, res, "uploadFileSmall", expectation{ok: true}, stored)
				check(t, col, res, "uploadFileDefaultPostObject", expectation{code: "KeyNotAllowed", message: "SimpleUploadMethod"}, nil)
			}
			check(t, col, res, "postPolicyUpload", expectation{ok: true}, func(r interoptest.Result) error {
				if key, _ := r.Data["key"].(string); !strings.HasPrefix(key, cfg.prefix) && cfg.user != "" {
					return fmt.Errorf("the service chose %s, outside %s", key, cfg.prefix)
				}
				return stored(r)
			})
		})
	}
}
