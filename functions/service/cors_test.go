package service

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCORSOriginLengthCap: an origin is reflected into a response header,
// so with "*" any well-formed one is echoed, up to 256 bytes and not one
// more; a longer one gets no CORS headers, on an answer or a preflight.
func TestCORSOriginLengthCap(t *testing.T) {
	f := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "*"})
	origin := func(n int) string { return "https://" + strings.Repeat("a", n-len("https://.example")) + ".example" }
	for _, c := range []struct {
		origin string
		echoed bool
	}{{origin(64), true}, {origin(256), true}, {origin(257), false}, {origin(4096), false}} {
		a := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(`{"key":"k"}`), Header: map[string]string{"origin": c.origin}})
		pre := f.serve(&Request{Method: "OPTIONS", Path: "/presign", Header: map[string]string{"origin": c.origin}})
		if c.echoed {
			assert.Equal(t, c.origin, a.header["Access-Control-Allow-Origin"], "%d bytes", len(c.origin))
			assert.NotEmpty(t, pre.header["Access-Control-Allow-Methods"], "%d bytes", len(c.origin))
		} else {
			assert.NotContains(t, a.header, "Access-Control-Allow-Origin", "%d bytes", len(c.origin))
			assert.NotContains(t, pre.header, "Access-Control-Allow-Methods", "%d bytes", len(c.origin))
		}
	}
}
