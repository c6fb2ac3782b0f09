// Package eventjson reads and writes platform event JSON without
// reflection, byte for byte as encoding/json would: a validating scanner,
// the writers for the response objects the adapters return, and a
// schema-checked decoder that extracts the members an adapter reads (see
// decode.go). Each function is tested against encoding/json itself.
package eventjson

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"github.com/cos-signer/cos-signer/functions/internal/jsonstr"
)

const hex = "0123456789abcdef"

// plainSafe and htmlSafe mark the bytes AppendString copies as they are.
var plainSafe, htmlSafe = func() (plain, html [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\'
		html[c] = plain[c] && c != '<' && c != '>' && c != '&'
	}
	return plain, html
}()

// AppendString appends s as a JSON string exactly as encoding/json encodes
// it: invalid UTF-8 becomes \ufffd, U+2028 and U+2029 are escaped, and with
// escapeHTML (json.Marshal's default) so are <, > and &.
func AppendString[T string | []byte](dst []byte, s T, escapeHTML bool) []byte {
	safe := &plainSafe
	if escapeHTML {
		safe = &htmlSafe
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			if x := jsonstr.Load8(s, i); !jsonstr.Special8(x) && !(escapeHTML && jsonstr.HTML8(x)) {
				i += 8 // eight bytes copied as they are
				continue
			}
		}
		// Through this word a byte at a time, to the byte that needs care.
		end := min(i+8, len(s))
		for i < end && safe[s[i]] {
			i++
		}
		if i == end {
			continue
		}
		b := s[i]
		if b < utf8.RuneSelf { // not safe, so escaped
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		// A short string conversion stays on the stack (as in encoding/json).
		c, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendStringMap appends m as encoding/json encodes a map[string]string:
// keys sorted, nil as null.
func AppendStringMap(dst []byte, m map[string]string, escapeHTML bool) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	var buf [16]string
	for i, k := range sortedKeys(m, &buf) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, k, escapeHTML)
		dst = append(dst, ':')
		dst = AppendString(dst, m[k], escapeHTML)
	}
	return append(dst, '}')
}

// AppendStringListMap appends m as encoding/json encodes a
// map[string][]string whose every value is the one-element list of m's
// value: keys sorted, nil as null.
func AppendStringListMap(dst []byte, m map[string]string, escapeHTML bool) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	var buf [16]string
	for i, k := range sortedKeys(m, &buf) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, k, escapeHTML)
		dst = append(dst, ':', '[')
		dst = AppendString(dst, m[k], escapeHTML)
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// sortedKeys sorts m's keys in the caller's buf (on its stack, for the
// usual handful of headers).
func sortedKeys(m map[string]string, buf *[16]string) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// IsCompact reports whether the JSON value src has no whitespace outside
// its strings, so that encoding/json would re-encode it (as a
// json.RawMessage) unchanged apart from AppendHTMLEscaped's escapes.
func IsCompact(src []byte) bool {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\n', '\r':
			return false
		case '"':
			// Skip the string: plain runs a word at a time, escapes in
			// pairs.
			for i++; i < len(src); i++ {
				if i = PlainRun(src, i); i >= len(src) || src[i] == '"' {
					break
				}
				if src[i] == '\\' {
					i++
				}
			}
		}
	}
	return true
}

// AppendHTMLEscaped appends compact JSON src as json.Marshal re-encodes a
// json.RawMessage holding it: <, >, &, U+2028 and U+2029 escaped (in valid
// JSON they only occur inside strings).
func AppendHTMLEscaped(dst, src []byte) []byte {
	start := 0
	for i := 0; i < len(src); i++ {
		for i+8 <= len(src) && !html8(binary.LittleEndian.Uint64(src[i:])) {
			i += 8
		}
		if i >= len(src) {
			break
		}
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			i += 2
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}

// html8 reports whether any of the eight bytes in x is <, >, & or 0xE2 (the
// first byte of U+2028 and U+2029).
func html8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	a, b, c, d := x^(lo*'<'), x^(lo*'>'), x^(lo*'&'), x^(lo*0xE2)
	return ((a-lo)&^a|(b-lo)&^b|(c-lo)&^c|(d-lo)&^d)&hi != 0
}
