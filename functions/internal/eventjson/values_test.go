package eventjson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var quotedSeeds = []string{`""`, `"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u0000\u001f"`, `"\ud83d\ude00"`, `"\ud83d"`,
	`"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00\ud83d"`, `"\ud83d\ud83d\ude00"`, "\"\xff\xfe\"", "\"caf\xc3\xa9\"", `"\uD83D\uDE00"`,
	`"{\"expired\":600,\"key\":\"a.pdf\"}"`}

func TestStrIsEncodingJSON(t *testing.T) {
	for _, q := range quotedSeeds {
		var want string
		require.NoError(t, json.Unmarshal([]byte(q), &want), q)
		assert.Equal(t, want, Str([]byte(q)), q)
	}
	assert.Equal(t, "", Str([]byte("null")))
	assert.Equal(t, "", Str(nil))
}

// FuzzStr: for every valid JSON string, Str is encoding/json's decoding.
func FuzzStr(f *testing.F) {
	for _, q := range quotedSeeds {
		f.Add([]byte(q))
	}
	f.Fuzz(func(t *testing.T, q []byte) {
		end, _, ok := String(q, 0)
		if len(q) == 0 || q[0] != '"' || !ok || end != len(q) {
			return
		}
		var want string
		require.NoError(t, json.Unmarshal(q, &want), "%q", q)
		require.Equal(t, want, Str(q), "%q", q)
	})
}

func TestLowerMaps(t *testing.T) {
	m, ok := LowerStringMap([]byte(`{"Content-Type":"a","X-A":null,"É":"e"}`))
	require.True(t, ok)
	assert.Equal(t, map[string]string{"content-type": "a", "x-a": "", "\u00e9": "e"}, m)
	_, ok = LowerStringMap([]byte(`{"A":"1","a":"2"}`))
	assert.False(t, ok, "names that coincide once lower-cased")
	_, ok = LowerStringMap([]byte(`{"a":"1","a":"2"}`))
	assert.False(t, ok, "a repeated name")
	_, ok = LowerStringMap(nil)
	assert.False(t, ok)
	j, ok := LowerJoinedMap([]byte(`{"Accept":["a","b"],"X":[],"Y":null,"Z":["\u00e9",null,"c"],"W":[null]}`), ", ")
	require.True(t, ok)
	assert.Equal(t, map[string]string{"accept": "a, b", "x": "", "y": "", "z": "\u00e9, , c", "w": ""}, j)
}

// FuzzLowerKey: lowerKey is strings.ToLower of the decoded name.
func FuzzLowerKey(f *testing.F) {
	for _, s := range []string{"Content-Type", "x-amz-id", "\xc3\x89T\xc3\xa9", "\xff\xfeA", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFG"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, name []byte) {
		if PlainRun(name, 0) != len(name) {
			return // not the content of a JSON name without escapes
		}
		require.Equal(t, strings.ToLower(Key(name)), (*Text)(nil).lowerKey(name), "%q", name)
	})
}
