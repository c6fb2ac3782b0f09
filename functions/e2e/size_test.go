package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxBinaryBytes is issue 4's budget for each stripped binary.
const maxBinaryBytes = 8 << 20

// TestBinarySizes checks each production binary (built as `make build`
// does: static, -trimpath, -s -w; this machine's architecture) against the
// budget, and logs it next to its floor.
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
		if f := floors[b]; f != nil {
			fn := size(f)
			msg = " (floor " + mb(fn) + ", ×" + ratio(n, fn) + ")"
		}
		t.Logf("%-16s %s%s", b.name, mb(n), msg)
		assert.LessOrEqual(t, n, int64(maxBinaryBytes), "%s is %s, over the 8 MB budget", b.name, mb(n))
	}
}

func mb(n int64) string { return formatFloat(float64(n)/(1<<20), 2) + " MB" }

func ratio(a, b int64) string { return formatFloat(float64(a)/float64(b), 2) }
