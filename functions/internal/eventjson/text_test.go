package eventjson

import (
	"encoding/json"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Text's conversions give what the copying functions give, share the copy
// for plain text, and copy bytes that are not the Text's own.
func TestTextSharesItsCopy(t *testing.T) {
	for _, q := range quotedSeeds {
		var want string
		require.NoError(t, json.Unmarshal([]byte(q), &want), q)
		txt := NewText([]byte(q))
		assert.Equal(t, want, txt.Str(txt.Bytes()), q)
		assert.Equal(t, want, string(AppendStr([]byte("x"), []byte(q))[1:]), q)
	}

	txt := NewText([]byte(`{"Host":"example.com","x-id":"abc"}`))
	m, ok := txt.LowerStringMap(txt.Bytes())
	require.True(t, ok)
	assert.Equal(t, map[string]string{"host": "example.com", "x-id": "abc"}, m)
	within := func(s string) bool {
		base := uintptr(unsafe.Pointer(unsafe.StringData(txt.s)))
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= base && p < base+uintptr(len(txt.s))
	}
	for k, v := range m {
		assert.True(t, within(v), "value %q shares the copy", v)
		assert.Equal(t, k != "host", within(k), "only the lower-case name %q shares the copy", k)
	}

	foreign := []byte(`"abc"`)
	s := txt.Str(foreign)
	foreign[1] = 'X'
	assert.Equal(t, "abc", s, "bytes outside the Text are copied")
	assert.Equal(t, "", txt.Str([]byte("null")))
	assert.Empty(t, AppendStr(nil, []byte("null")))
}

// FuzzTextLowerStringMap: a Text's lower-cased map is the copying one's,
// and neither changes when the bytes scanned are written afterwards.
func FuzzTextLowerStringMap(f *testing.F) {
	for _, s := range []string{`{"Content-Type":"a","X-A":null,"É":"e"}`, `{"a":"\u00e9","B":"x\"y"}`, `{}`, `{"A":"1","a":"2"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		raw := []byte(s)
		if !json.Valid(raw) || !strings.HasPrefix(s, "{") {
			return
		}
		var m map[string]any
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		for _, v := range m {
			if _, isString := v.(string); !isString && v != nil {
				return
			}
		}
		want, wantOK := LowerStringMap(raw)
		txt := NewText(raw)
		got, ok := txt.LowerStringMap(txt.Bytes())
		for i := range raw {
			raw[i] = 0
		}
		require.Equal(t, wantOK, ok)
		if ok {
			require.Equal(t, want, got)
		}
	})
}
