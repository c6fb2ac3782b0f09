// Package jsonstr writes JSON strings by hand, as slog.JSONHandler does: the
// service's answers and its log lines are built without reflection.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// plainJSON marks the ASCII bytes a JSON string holds as they are.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Append writes s as a JSON string: '"', '\\' and control
// characters escaped, '<', '>' and '&' left as they are (answers are not
// HTML), invalid UTF-8 replaced by U+FFFD.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && !Special8(Load8(s, i)) {
			i += 8
		}
		for i < len(s) && plainJSON[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Load8 is the eight bytes of s at i as a little-endian word (one load).
func Load8[T string | []byte](s T, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// Special8 reports whether any of the eight bytes in x is not copied into
// a JSON string as it is: a quote, a backslash, a control character or a
// non-ASCII byte. The has-zero-byte word tricks it uses are exact as
// existence tests once the non-ASCII bytes are out.
func Special8(x uint64) bool {
	q, bs := x^(lo*'"'), x^(lo*'\\')
	return (x|(x-lo*0x20)&^x|(q-lo)&^q|(bs-lo)&^bs)&hi != 0
}

// HTML8 reports whether any of the eight bytes in x is <, > or &, which
// HTML-safe JSON escapes too.
func HTML8(x uint64) bool {
	lt, gt, amp := x^(lo*'<'), x^(lo*'>'), x^(lo*'&')
	return ((lt-lo)&^lt|(gt-lo)&^gt|(amp-lo)&^amp)&hi != 0
}

const lo, hi = 0x0101010101010101, 0x8080808080808080
