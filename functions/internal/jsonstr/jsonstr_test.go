package jsonstr

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameAsEncodingJSON: what Append writes is valid JSON and decodes to what
// encoding/json's own encoding of s decodes to.
func sameAsEncodingJSON(t testing.TB, s string) {
	out := Append(nil, s)
	require.True(t, json.Valid(out), "%q -> %s", s, out)
	var got, want string
	require.NoError(t, json.Unmarshal(out, &got))
	ref, err := json.Marshal(s)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(ref, &want))
	assert.Equal(t, want, got, "%q", s)
}

func TestAppend(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "<&>",
		"中文", "\xff", "a\xc3", "\u2028\u2029", "emoji 😀", "https://h/k?a=1&b=2"} {
		sameAsEncodingJSON(t, s)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("a\"b\\c\x00\xff中")
	f.Fuzz(func(t *testing.T, s string) { sameAsEncodingJSON(t, s) })
}

// FuzzSpecial8: the word test is the byte-by-byte one, with and without
// HTML escaping.
func FuzzSpecial8(f *testing.F) {
	for _, s := range []string{"abcdefgh", "abc\"defg", "\x1fabcdefg", "abcdefg\x80", "<abcdefg", "a&bcdefg", "\\\\\\\\\\\\\\\\", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", "\x20!#$%'()"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 8 {
			return
		}
		for _, html := range []bool{false, true} {
			want := false
			for _, c := range b[:8] {
				want = want || c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || html && (c == '<' || c == '>' || c == '&')
			}
			x := Load8(b, 0)
			require.Equal(t, want, Special8(x) || html && HTML8(x), "%q html=%v", b[:8], html)
			require.Equal(t, Load8(b, 0), Load8(string(b), 0))
		}
	})
}
