package eventjson

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzSpecial8: the word test agrees with the byte-by-byte one.
func FuzzSpecial8(f *testing.F) {
	f.Add(uint64(0x4142434445464748))
	f.Add(uint64(0x41424344454647_22))
	f.Add(uint64(0x1f42434445464748))
	f.Add(uint64(0x5c5c5c5c5c5c5c5c))
	f.Add(uint64(0xffffffffffffffff))
	f.Add(uint64(0x2020202020202020))
	f.Fuzz(func(t *testing.T, x uint64) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], x)
		want := false
		for _, c := range b {
			want = want || c == '"' || c == '\\' || c < 0x20
		}
		require.Equal(t, want, special8(x), "%x", x)
	})
}

func TestPlainRun(t *testing.T) {
	for _, c := range []struct {
		s    string
		from int
		want int
	}{{`abcdefghijklmnop"`, 0, 16}, {`abc\`, 1, 3}, {"abcdefgh\x01", 2, 8}, {"abcdefghij", 0, 10}, {`"`, 0, 0}, {``, 0, 0}} {
		require.Equal(t, c.want, PlainRun([]byte(c.s), c.from), "%q", c.s)
	}
}
