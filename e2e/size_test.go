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
// call. In an SCF binary that call alone costs 2.3 MB: floorscfhttps, the
// hello-world scf-go-lib function plus one net/http request, is 8.1 MB
// (go test -run BinarySizes -v ./e2e logs it).
const maxBinaryBytes = 10 << 20

// TestBinarySizes checks each production binary (built as `make build`
// does: static, -trimpath, -s -w; this machine's architecture) against the
// budget, and with -v logs it next to its floors (built only for that log).
func TestBinarySizes(t *testing.T) {
	size := func(b *binary) int64 {
		fi, err := os.Stat(b.get(t))
		require.NoError(t, err)
		return fi.Size()
	}
	floors := map[*binary][]*binary{scfBinary: {floorSCF, floorSCFHTTPS}, lambdaBinary: {floorLambda}}
	for _, b := range []*binary{scfBinary, lambdaBinary, webBinary} {
		n := size(b)
		msg := ""
		if testing.Verbose() {
			for _, f := range floors[b] {
				fn := size(f)
				msg += fmt.Sprintf("; %s %.2f MB, ×%.2f", f.name, float64(fn)/1e6, float64(n)/float64(fn))
			}
		}
		t.Logf("%-16s %.2f MB (%.2f MiB)%s", b.name, float64(n)/1e6, float64(n)/(1<<20), msg)
		assert.LessOrEqual(t, n, int64(maxBinaryBytes), "%s is %.2f MiB, over the 10 MiB budget", b.name, float64(n)/(1<<20))
	}
}
