package eventjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var stringSeeds = []string{"", "plain", `quote " and \ backslash`, "<a href='x'>&amp;</a>", "\x00\x01\b\f\n\r\t\x1f\x7f",
	"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff\xfe utf-8 \xe2\x80", "\xed\xa0\x80 surrogate", "/slash/",
	`{"url":"https://b.cos.example.com/a.pdf?q-ak=AKID&q-sign-time=1%3B2","headers":{"Content-Type":"<x>"}} caf\u00e9 \u2028 tail`}

func encodingJSON(t testing.TB, v any, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	require.NoError(t, enc.Encode(v))
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendStringIsEncodingJSON(t *testing.T) {
	for _, s := range stringSeeds {
		for _, esc := range []bool{false, true} {
			assert.Equal(t, encodingJSON(t, s, esc), string(AppendString(nil, s, esc)), "%q html=%v", s, esc)
			assert.Equal(t, encodingJSON(t, s, esc), string(AppendString(nil, []byte(s), esc)), "%q html=%v", s, esc)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add(s, "k"+s)
	}
	f.Fuzz(func(t *testing.T, s, k string) {
		for _, esc := range []bool{false, true} {
			require.Equal(t, encodingJSON(t, s, esc), string(AppendString(nil, s, esc)), "%q", s)
			m := map[string]string{k: s, s: k, "z": "", "A": s}
			require.Equal(t, encodingJSON(t, m, esc), string(AppendStringMap(nil, m, esc)))
			lm := map[string][]string{}
			for k, v := range m {
				lm[k] = []string{v}
			}
			require.Equal(t, encodingJSON(t, lm, esc), string(AppendStringListMap(nil, m, esc)))
		}
	})
}

func TestMapsAndNil(t *testing.T) {
	assert.Equal(t, "null", string(AppendStringMap(nil, nil, false)))
	assert.Equal(t, "null", string(AppendStringListMap(nil, nil, true)))
	assert.Equal(t, "{}", string(AppendStringMap(nil, map[string]string{}, false)))
	m := map[string]string{}
	for i := range 40 { // more keys than sortedKeys' stack buffer
		m[string(rune('a'+i%26))+string(rune('A'+i))] = "v"
	}
	assert.Equal(t, encodingJSON(t, m, false), string(AppendStringMap(nil, m, false)))
}

var jsonSeeds = []string{`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.0E-3`, `"x"`, ` {"a" : [1, "b", {"c":null}] } `,
	`{"a":"\u00e9\n\"\\\/"}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `"\x"`, `"\u12"`, "\"\x01\"", `{"a":1,}`, `[1,]`, `{"a"}`, `{a:1}`,
	`[1 2]`, `{"a":1 "b":2}`, `tru`, `nul`, `{"a":1}}`, `{"a":1} x`, ``, ` `, "\"\xff\"", `[[[[[[[[[[]]]]]]]]]]`, `{"a":{"b":{"c":[{}]}}}`}

func TestValidIsJSONValid(t *testing.T) {
	for _, s := range jsonSeeds {
		assert.Equal(t, json.Valid([]byte(s)), Valid([]byte(s)), "%q", s)
	}
	deep := bytes.Repeat([]byte("["), maxDepth+1)
	deep = append(deep, bytes.Repeat([]byte("]"), maxDepth+1)...)
	assert.False(t, Valid(deep), "deeper than maxDepth is left to encoding/json")
	assert.True(t, json.Valid(deep))
}

// FuzzValid: Valid never accepts what encoding/json rejects, and accepts
// everything it accepts that is not nested deeper than maxDepth.
func FuzzValid(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := Valid(b), json.Valid(b)
		if got {
			require.True(t, want, "%q", b)
		}
		if want && bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) < maxDepth {
			require.True(t, got, "%q", b)
		}
	})
}

// FuzzRaw: for valid JSON, IsCompact says whether encoding/json's
// re-encoding of a json.RawMessage keeps the bytes, and then
// AppendHTMLEscaped is json.Marshal's re-encoding.
func FuzzRaw(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, s := range stringSeeds {
		b, _ := json.Marshal(map[string]string{"k": s})
		f.Add(bytes.ReplaceAll(b, []byte(`\u003c`), []byte("<")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, b))
		require.Equal(t, bytes.Equal(compact.Bytes(), b), IsCompact(b), "%q", b)
		if IsCompact(b) {
			want, err := json.Marshal(json.RawMessage(b))
			require.NoError(t, err)
			require.Equal(t, string(want), string(AppendHTMLEscaped(nil, b)), "%q", b)
		}
	})
}

// FuzzHTML8: the word test agrees with the byte-by-byte one.
func FuzzHTML8(f *testing.F) {
	for _, x := range []uint64{0x4142434445464748, 0x414243443c464748, 0xe2, 0x2626262626262626, 0xffffffffffffffff, 0x3e} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x uint64) {
		want := false
		for i := 0; i < 8; i++ {
			c := byte(x >> (8 * i))
			want = want || c == '<' || c == '>' || c == '&' || c == 0xE2
		}
		require.Equal(t, want, html8(x), "%x", x)
	})
}
