//go:build browser

package interop

import (
	"maps"
	"testing"

	"github.com/cos-signer/cos-signer/internal/interoptest"
)

// TestBrowser runs the flows with cos-js-sdk-v5 in headless Chromium
// (make test-browser; .ci/run installs Debian's chromium). TestBrowserUppy
// (uppy_test.go) runs Uppy 6 there.
func TestBrowser(t *testing.T) {
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			page := interoptest.NewPage(t)
			withCORS := map[string]string{"CORS_ALLOWED_ORIGINS": page.URL()}
			maps.Copy(withCORS, cfg.vars)
			c := cfg
			c.vars = withCORS
			env, vars := start(t, c)
			res := page.Run(t, env, vars)
			if cfg.limits {
				limitChecks(t, "browser", cfg, env, res)
				return
			}
			objectChecks(t, "browser", cfg, env, res)
		})
	}

	// A bucket whose CORS rule does not expose ETag: the page cannot read
	// a part's ETag, so multipart uploads fail, as the SDK says.
	t.Run("noETag", func(t *testing.T) {
		cfg := configs[0]
		page := interoptest.NewPage(t)
		c := cfg
		c.name = "noETag"
		c.vars = map[string]string{"CORS_ALLOWED_ORIGINS": page.URL()}
		maps.Copy(c.vars, cfg.vars)
		env, vars := start(t, c)
		env.COS.ExposeHeaders = []string{"Content-Length", "x-cos-request-id"}
		res := page.Run(t, env, vars)
		want := expectation{sdk: `please add "ETag" to CORS ExposeHeader`}
		check(t, "browser "+c.name, res, "uploadFile", want, nil)
		check(t, "browser "+c.name, res, "sliceUploadFile", want, nil)
	})
}
