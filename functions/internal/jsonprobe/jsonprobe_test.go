package jsonprobe

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type member struct{ name, value string }

func members(b []byte) ([]member, bool) {
	var out []member
	ok := Members(b, func(n, v []byte) { out = append(out, member{string(n), string(v)}) })
	return out, ok
}

// reference lists an object's members with encoding/json.
func reference(b []byte) ([]member, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var out []member
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, member{t.(string), string(v)})
	}
	if _, err := d.Token(); err != nil {
		return nil, false
	}
	return out, true
}

func TestMembers(t *testing.T) {
	got, ok := members([]byte(` { "a" : 1 , "b\u0043":{"x":[1,"]}"]}, "c":"s\"}", "d":null,"e":true} `))
	require.True(t, ok)
	assert.Equal(t, []member{{"a", "1"}, {"bC", `{"x":[1,"]}"]}`}, {"c", `"s\"}"`}, {"d", "null"}, {"e", "true"}}, got)

	got, ok = members([]byte(`{}`))
	assert.True(t, ok)
	assert.Empty(t, got)
	for _, bad := range []string{``, `[]`, `"x"`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":"x`, `{"a":{"b":1}`, `{a:1}`, "{\"a\":\"\x01\"}"} {
		_, ok := members([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
}

func TestIsAndString(t *testing.T) {
	assert.True(t, Is([]byte("HTTPMETHOD"), "httpMethod"))
	assert.True(t, Is([]byte("\u212aey"), "key"), "the Kelvin sign folds to k, as in encoding/json")
	assert.False(t, Is([]byte("httpMethods"), "httpMethod"))
	s, ok := String([]byte(`"a\u002fb"`))
	assert.True(t, ok)
	assert.Equal(t, "a/b", s)
	_, ok = String([]byte(`12`))
	assert.False(t, ok)
}

func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"c":[1,2,{"d":"}"}]},"e":"\"","f":null}`, `{"\u0041":"x"}`, `{}`, `[1]`, `{"a":1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := members(b)
		if !json.Valid(b) || !utf8.Valid(b) { // encoding/json turns bad UTF-8 in names into U+FFFD
			return
		}
		want, wantOK := reference(b)
		assert.Equal(t, wantOK, ok, "%q", b)
		if ok && wantOK {
			assert.Equal(t, want, got, "%q", b)
		}
	})
}
