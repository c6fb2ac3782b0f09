package eventjson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Text's strings are the copying functions' strings, survive any later
// write to the bytes they were read from, and share one allocation.
func TestTextStrings(t *testing.T) {
	for _, q := range quotedSeeds {
		var want string
		require.NoError(t, json.Unmarshal([]byte(q), &want), q)
		var txt Text
		raw := []byte(q)
		got := txt.Str(raw)
		clear(raw)
		assert.Equal(t, want, got, q)
		assert.Equal(t, want, string(AppendStr([]byte("x"), []byte(q))[1:]), q)
	}

	raw := []byte(`{"Host":"example.com","x-id":"abc","X-Long":"` + strings.Repeat("v", 300) + `"}`)
	var txt Text
	m, ok := txt.LowerStringMap(raw)
	require.True(t, ok)
	clear(raw)
	assert.Equal(t, map[string]string{"host": "example.com", "x-id": "abc", "x-long": strings.Repeat("v", 300)}, m)
	assert.Equal(t, "", txt.Str([]byte("null")))
	assert.Empty(t, AppendStr(nil, []byte("null")))

	names := []byte(`"GET""/presign""Content-Type""application/json""origin""https://app.example.com""req-1""203.0.113.24"`)
	allocs := testing.AllocsPerRun(100, func() {
		var txt Text
		for i := 0; i < len(names); {
			end, _, _ := String(names, i)
			_ = txt.Str(names[i:end])
			i = end
		}
	})
	assert.Equal(t, 1.0, allocs, "eight short strings, one buffer")
}

// FuzzTextLowerStringMap: a Text's lower-cased map is the copying one's,
// and neither changes when the bytes read are written afterwards; for names
// without escapes both are encoding/json's map with its names lower-cased.
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
		ref := make(map[string]string, len(m))
		for k, v := range m {
			str, _ := v.(string) // null is ""
			ref[strings.ToLower(k)] = str
		}
		escaped := false // LowerStringMap reads names without escapes only
		ObjectMembers(raw, func(_ []byte, esc bool, _ []byte) bool {
			escaped = escaped || esc
			return true
		})
		want, wantOK := LowerStringMap(raw)
		var txt Text
		got, ok := txt.LowerStringMap(raw)
		clear(raw)
		require.Equal(t, wantOK, ok)
		if ok {
			require.Equal(t, want, got)
			if !escaped {
				require.Equal(t, ref, got, "%q", s)
			}
		}
	})
}

// lowerMapOf is a LowerMap fed by a walk over raw, as ScanMembers feeds it.
func lowerMapOf(raw []byte, keep []string) (map[string]string, bool) {
	l := LowerMap{Keep: keep}
	members(raw, l.Add)
	return l.Map()
}

func TestLowerMap(t *testing.T) {
	keep := []string{"origin", "content-type", "\u00e9"}
	m, ok := lowerMapOf([]byte(`{"Origin":"https://a.example","Accept":"x","accept":"y","Content-Type":"a/b","É":"e","X":"z"}`), keep)
	require.True(t, ok, "names that collide but are dropped do not count")
	assert.Equal(t, map[string]string{"origin": "https://a.example", "content-type": "a/b", "\u00e9": "e"}, m)
	_, ok = lowerMapOf([]byte(`{"Origin":"a","origin":"b"}`), keep)
	assert.False(t, ok, "kept names that collide")
	m, ok = lowerMapOf([]byte(`{}`), keep)
	assert.True(t, ok)
	assert.NotNil(t, m, "no members: an empty map, as encoding/json makes")
	all, ok := lowerMapOf([]byte(`{"A":"1","b":"2"}`), nil)
	assert.True(t, ok)
	assert.Equal(t, map[string]string{"a": "1", "b": "2"}, all, "no Keep list: every name")
	raw := []byte(`{"Accept":"x","Host":"h","User-Agent":"u","Origin":"o"}`)
	assert.Equal(t, 3.0, testing.AllocsPerRun(50, func() { lowerMapOf(raw, keep) }),
		"the map, its group and the Text's buffer: nothing per dropped name")
}

// ScanMembers hands the captured object's members to the visitor, in order,
// and only those.
func TestScanMembers(t *testing.T) {
	type ev struct {
		Headers map[string]string `json:"headers"`
		Query   map[string]string `json:"query"`
		Method  string            `json:"method"`
	}
	s := SchemaOf(reflect.TypeFor[ev](), nil, "method", "headers")
	var seen []string
	var c [2][]byte
	ok := s.ScanMembers([]byte(`{"query":{"q":"1"},"headers":{"B":"2","a":"1"},"method":"GET"}`), c[:], 1, func(name, v []byte) {
		seen = append(seen, string(name)+"="+string(v))
	})
	require.True(t, ok)
	assert.Equal(t, []string{`B="2"`, `a="1"`}, seen)
	assert.Equal(t, `"GET"`, string(c[0]))
}
