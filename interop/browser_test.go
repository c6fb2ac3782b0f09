//go:build browser

package interop

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/interoptest"
)

// TestBrowser runs the flows with cos-js-sdk-v5 in headless Chromium
// (make test-browser; .ci/run installs Debian's chromium).
func TestBrowser(t *testing.T) {
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			page := interoptest.NewPage(t)
			withCORS := map[string]string{"CORS_ALLOWED_ORIGINS": page.URL()}
			for k, v := range cfg.vars {
				withCORS[k] = v
			}
			c := cfg
			c.vars = withCORS
			env, vars := start(t, c)
			res := page.Run(t, env, vars)
			objectChecks(t, "browser", cfg, env, res)
		})
	}
}
