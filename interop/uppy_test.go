//go:build browser

package interop

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/interoptest"
)

// uppyConfigs are the deployments Uppy's flows run under: make run's local
// setup (DELETE is not in the default SIGN_ALLOWED_METHODS, so cancel
// cannot abort), the production-like jwt one with temporary credentials
// (as SCF's role gives: every URL carries the token, which the fake COS
// then requires), and upload limits Uppy's 5 MiB parts fit.
var uppyConfigs = []config{
	{name: "default", vars: map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"}, prefix: "interop/"},
	{name: "jwt+token", vars: jwtVars(map[string]string{"COS_SESSION_TOKEN": interoptest.SessionToken}), user: "alice", prefix: "users/alice/", other: "users/bob/not-mine.txt"},
	{name: "limits", vars: jwtVars(map[string]string{
		"SIGN_ALLOWED_CONTENT_TYPES": "text/plain,application/octet-stream",
		"SIGN_MAX_CONTENT_LENGTH":    uppyMaxContentLength,
		"SIGN_MAX_PARTS":             uppyMaxParts,
	}), user: "alice", prefix: "users/alice/", limits: true},
}

// uppyMaxContentLength is the Uppy limits configuration's
// SIGN_MAX_CONTENT_LENGTH: one of Uppy's parts (5 MiB, its smallest).
const uppyMaxContentLength = "5242880"

// uppyMaxParts is its SIGN_MAX_PARTS: objects of at most 3 × 5 MiB.
const uppyMaxParts = "3"

// TestBrowserUppy runs docs/uppy.md's recipe with @uppy/core and
// @uppy/aws-s3 (as interop/package-lock.json pins them) in headless
// Chromium, against the service and the fake COS.
func TestBrowserUppy(t *testing.T) {
	for _, cfg := range uppyConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel() // each its own Chromium, service and fake COS
			page := interoptest.NewPage(t)
			page.Bundle(t, "browser/uppy-bundle.js", "uppy.js")
			vars := map[string]string{"CORS_ALLOWED_ORIGINS": page.URL(), "COS_SCHEME": "http"} // the fake COS is a plain-HTTP proxy
			maps.Copy(vars, cfg.vars)
			env := interoptest.Start(t, vars)
			pageVars := map[string]string{"KEY_PREFIX": cfg.prefix, "OTHER_KEY": cfg.other}
			if cfg.user != "" {
				pageVars["USER_TOKEN"] = authtest.Token(t, authtest.Secret, cfg.user, time.Hour)
			}
			if cfg.limits {
				pageVars["LIMITS"], pageVars["MAX_PARTS"] = "1", uppyMaxParts
			}
			res := page.RunPage(t, "uppy.html", env, pageVars)
			uppyChecks(t, cfg, env, res)
		})
	}
}

func uppyChecks(t *testing.T, cfg config, env *interoptest.Env, res map[string]interoptest.Result) {
	col := "uppy " + cfg.name
	ok := expectation{ok: true}
	stored := storedCheck(env)
	inPrefix := func(more func(interoptest.Result) error) func(interoptest.Result) error {
		return func(r interoptest.Result) error {
			if key, _ := r.Data["key"].(string); !strings.HasPrefix(key, cfg.prefix) {
				return fmt.Errorf("stored as %q, outside %s", key, cfg.prefix)
			}
			return more(r)
		}
	}
	// untouched: a refused file never reached COS (refused when signed).
	untouched := func(name string) func(interoptest.Result) error {
		return func(interoptest.Result) error {
			for _, e := range env.COS.Log() {
				if strings.HasSuffix(e.Key, "/"+name) {
					return fmt.Errorf("the fake COS saw %s %s", e.Method, e.Key)
				}
			}
			return nil
		}
	}
	if cfg.limits {
		check(t, col, res, "uppyLimitsPut", ok, inPrefix(stored))
		check(t, col, res, "uppyLimitsWrongType", expectation{code: "ContentTypeNotAllowed", message: "SIGN_ALLOWED_CONTENT_TYPES"}, untouched("picture.png"))
		check(t, col, res, "uppyLimitsTooLarge", expectation{code: "ContentLengthNotAllowed", message: "SIGN_MAX_CONTENT_LENGTH"}, untouched("large.bin"))
		check(t, col, res, "uppyLimitsMultipart", ok, inPrefix(multipartCheck(env)))
		// One part more than SIGN_MAX_PARTS: refused when Uppy asks to sign
		// it, so COS never sees it and nothing is stored.
		check(t, col, res, "uppyLimitsTooManyParts", expectation{code: "PartNumberNotAllowed", message: "SIGN_MAX_PARTS"}, func(interoptest.Result) error {
			for _, e := range env.COS.Log() {
				if strings.HasSuffix(e.Key, "/many.bin") && (strings.Contains(e.Query, "partNumber=4") || e.Method == "POST" && strings.Contains(e.Query, "uploadId=")) {
					return fmt.Errorf("the fake COS saw %s %s?%s", e.Method, e.Key, e.Query)
				}
			}
			return nil
		})
		return
	}
	check(t, col, res, "uppyPut", ok, inPrefix(stored))
	check(t, col, res, "uppyPutChineseKey", ok, inPrefix(func(r interoptest.Result) error {
		if key, _ := r.Data["key"].(string); !strings.HasSuffix(key, "/中文 文件 名.txt") {
			return fmt.Errorf("stored as %q", key)
		}
		return stored(r)
	}))
	check(t, col, res, "uppyMultipart", ok, inPrefix(func(r interoptest.Result) error {
		if err := multipartCheck(env)(r); err != nil {
			return err
		}
		if cfg.vars["COS_SESSION_TOKEN"] == "" {
			return nil
		}
		// Temporary credentials: each presigned URL carries the token.
		key, _ := r.Data["key"].(string)
		for _, e := range env.COS.Log() {
			if e.Key == key && e.Method != "OPTIONS" && e.TokenIn != "query" {
				return fmt.Errorf("%s %s?%s carried the session token in %q, not the query", e.Method, e.Key, e.Query, e.TokenIn)
			}
		}
		return nil
	}))
	check(t, col, res, "uppyResume", ok, inPrefix(func(r interoptest.Result) error {
		if err := multipartCheck(env)(r); err != nil {
			return err
		}
		key, _ := r.Data["key"].(string)
		for _, e := range env.COS.Log() {
			if e.Key == key && e.Method == "GET" && strings.Contains(e.Query, "uploadId=") && e.Status == 200 {
				return nil
			}
		}
		return fmt.Errorf("Uppy resumed %s without listing its parts", key)
	}))
	// Cancel aborts the upload where DELETE is signed; elsewhere the abort
	// is refused, Uppy only logs it, and the upload stays open.
	aborts := strings.Contains(cfg.vars["SIGN_ALLOWED_METHODS"], "DELETE")
	check(t, col, res, "uppyCancel", ok, func(r interoptest.Result) error {
		key, _ := r.Data["key"].(string)
		id, _ := r.Data["uploadId"].(string)
		if env.COS.Object(interoptest.Host, key) != nil {
			return fmt.Errorf("a cancelled upload was stored as %s", key)
		}
		deadline := time.Now().Add(5 * time.Second) // Uppy aborts in the background
		for env.COS.UploadOpen(id) == aborts && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if open := env.COS.UploadOpen(id); open == aborts {
			return fmt.Errorf("upload %s of %s is open: %v (DELETE signed: %v)", id, key, open, aborts)
		}
		return nil
	})
	table.Lock()
	passed := table.rows["uppyCancel"][col] == "pass"
	table.Unlock()
	switch {
	case passed && aborts:
		record("uppyCancel", col, "pass (aborted)")
	case passed:
		record("uppyCancel", col, "abort refused (no DELETE), upload left open")
	}
	if cfg.other != "" {
		check(t, col, res, "uppyOtherUsersKey", expectation{code: "KeyNotAllowed", message: "SIGN_KEY_PREFIXES"}, func(interoptest.Result) error {
			for _, e := range env.COS.Log() {
				if strings.HasPrefix(e.Key, strings.TrimSuffix(cfg.other, "not-mine.txt")) {
					return fmt.Errorf("the fake COS saw %s %s", e.Method, e.Key)
				}
			}
			return nil
		})
	}
}
