package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxBinaryBytes is the budget for each stripped binary: issue 4's 8 MB,
// plus 2 MB for /sts (issue 11), the one route that makes an outgoing HTTPS
// call. An SCF main that only references net/http's client is 8.4 MB
// (net/http and crypto/tls alone add 2 MB to it); tencentcloud-sdk-go's
// sts client adds 0.8 MB more, for 9.1 MB.
const maxBinaryBytes = 10 << 20

// TestBinarySizes checks each production binary (built as `make build`
// does: static, -trimpath, -s -w; this machine's architecture) against the
// budget, and with -v logs it next to its floor (built only for that log).
func TestBinarySizes(t *testing.T) {
	size := func(b *binary) int64 {
		fi, err := os.Stat(b.get(t))
		require.NoError(t, err)
		return fi.Size()
	}
	floors := map[*binary]*binary{scfBinary: floorSCF, lambdaBinary: floorLambda, webBinary: nil}
	for _, b := range []*binary{scfBinary, lambdaBinary, webBinary} {
		n := size(b)
		msg := ""
		if f := floors[b]; f != nil && testing.Verbose() {
			fn := size(f)
			msg = fmt.Sprintf(" (floor %.2f MB, ×%.2f)", float64(fn)/(1<<20), float64(n)/float64(fn))
		}
		t.Logf("%-16s %.2f MB%s", b.name, float64(n)/(1<<20), msg)
		assert.LessOrEqual(t, n, int64(maxBinaryBytes), "%s is %.2f MB, over the 10 MB budget", b.name, float64(n)/(1<<20))
	}
}
