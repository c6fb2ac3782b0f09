package eventjson

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The converters below read values Scan has validated against their
// schema (a string, an object of strings, …); each gives what encoding/json
// would store in a fresh value of the field's type.

// Str is a validated JSON string's text, unescaped as encoding/json
// unescapes it: invalid UTF-8 and lone surrogates become U+FFFD.
func Str(raw []byte) string { return (*Text)(nil).Str(raw) }

// Str is Str in t's buffer.
func (t *Text) Str(raw []byte) string {
	if len(raw) < 2 || raw[0] != '"' {
		return "" // absent, or null
	}
	s := raw[1 : len(raw)-1]
	if !hasBackslash(s) && utf8.Valid(s) {
		return t.string(s)
	}
	return t.unquoted(s)
}

// AppendStr appends the text of a validated JSON string (or nothing for
// null) as Str decodes it, for a value wanted as bytes, such as a body,
// without a string in between.
func AppendStr(dst, raw []byte) []byte {
	if len(raw) < 2 || raw[0] != '"' {
		return dst
	}
	s := raw[1 : len(raw)-1]
	if !hasBackslash(s) && utf8.Valid(s) {
		return append(dst, s...)
	}
	if dst == nil {
		dst = make([]byte, 0, len(s)) // the text is never longer than its JSON form
	}
	return appendUnquoted(dst, s)
}

// unquote is encoding/json's unquoteBytes on a validated string's content.
func unquote(s []byte) string {
	return string(appendUnquoted(make([]byte, 0, len(s)+2*utf8.UTFMax), s))
}

func appendUnquoted(b, s []byte) []byte {
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r+1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, getu4(s[r+2:])); dec != unicode.ReplacementChar {
							b = utf8.AppendRune(b, dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return b
}

// getu4 decodes the four hex digits at the start of s, or -1.
func getu4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// Key is a member name without escapes as encoding/json decodes it into a
// map key: invalid UTF-8 becomes U+FFFD.
func Key(name []byte) string { return (*Text)(nil).Key(name) }

// Key is Key in t's buffer.
func (t *Text) Key(name []byte) string {
	if utf8.Valid(name) {
		return t.string(name)
	}
	return unquote(name)
}

func hasBackslash(s []byte) bool {
	for _, c := range s {
		if c == '\\' {
			return true
		}
	}
	return false
}

// Bool is a validated JSON boolean.
func Bool(raw []byte) bool { return len(raw) == 4 && string(raw) == "true" }

// StringMap is a validated object of strings (or nulls, stored as "") as a
// map[string]string in t's buffer; nil for a nil raw value.
func (t *Text) StringMap(raw []byte) map[string]string {
	if raw == nil {
		return nil
	}
	m := make(map[string]string, 16)
	members(raw, func(name, v []byte) { m[t.Key(name)] = t.Str(v) })
	return m
}

// StringListMap is a validated object of string lists as a
// map[string][]string in t's buffer; nil for a nil raw value.
func (t *Text) StringListMap(raw []byte) map[string][]string {
	if raw == nil {
		return nil
	}
	m := make(map[string][]string, 16)
	members(raw, func(name, v []byte) { m[t.Key(name)] = t.StringList(v) })
	return m
}

// StringList is a validated array of strings (or nulls, stored as "") in
// t's buffer; nil for a nil raw value or null.
func (t *Text) StringList(raw []byte) []string {
	if raw == nil || raw[0] == 'n' {
		return nil
	}
	var out []string
	_, _ = array(raw, 0, 1, func(start, end int) bool {
		out = append(out, t.Str(raw[start:end]))
		return true
	})
	if out == nil {
		out = []string{}
	}
	return out
}

// members calls fn with each member of a validated object whose names have
// no escapes: the name and the raw value.
func members(raw []byte, fn func(name, v []byte)) {
	_, _ = object(raw, 0, 1, func(name []byte, _ bool, start, end int) bool {
		fn(name, raw[start:end])
		return true
	})
}

// ObjectMembers calls fn with each member of the validated object raw: its
// name's raw bytes, whether the name has escapes, and the value; fn
// returns false to stop. It reports false when raw is not an object or fn
// stopped.
func ObjectMembers(raw []byte, fn func(name []byte, escaped bool, value []byte) bool) bool {
	if len(raw) == 0 || raw[0] != '{' {
		return false
	}
	_, ok := object(raw, 0, 1, func(name []byte, escaped bool, start, end int) bool {
		return fn(name, escaped, raw[start:end])
	})
	return ok
}

// ArrayElements calls fn with each element of the validated array raw; fn
// returns false to stop. It reports false when raw is not an array or fn
// stopped.
func ArrayElements(raw []byte, fn func(value []byte) bool) bool {
	if len(raw) == 0 || raw[0] != '[' {
		return false
	}
	_, ok := array(raw, 0, 1, func(start, end int) bool { return fn(raw[start:end]) })
	return ok
}

// LowerStringMap is StringMap with the names lower-cased (strings.ToLower
// of the decoded name), for adapters that lower-case header names. It
// reports false when two names coincide once lower-cased (or repeat): the
// caller then decodes with StringMap and resolves the collision its own
// way.
func LowerStringMap(raw []byte) (map[string]string, bool) { return (*Text)(nil).LowerStringMap(raw) }

// LowerStringMap is LowerStringMap in t's buffer.
func (t *Text) LowerStringMap(raw []byte) (map[string]string, bool) {
	return t.lowerMap(raw, t.Str)
}

// LowerJoinedMap is LowerStringMap for an object of string lists, each
// joined with sep.
func LowerJoinedMap(raw []byte, sep string) (map[string]string, bool) {
	return (*Text)(nil).LowerJoinedMap(raw, sep)
}

// LowerJoinedMap is LowerJoinedMap in t's buffer.
func (t *Text) LowerJoinedMap(raw []byte, sep string) (map[string]string, bool) {
	return t.lowerMap(raw, func(v []byte) string { return t.joinList(v, sep) })
}

// joinList is strings.Join(StringList(raw), sep) without the list: one
// element (the common case) is just its text.
func (t *Text) joinList(raw []byte, sep string) string {
	if raw[0] != '[' {
		return "" // null
	}
	var first []byte
	var out []byte
	n := 0
	array(raw, 0, 1, func(start, end int) bool {
		switch n {
		case 0:
			first = raw[start:end]
		case 1:
			out = AppendStr(append(AppendStr(out, first), sep...), raw[start:end])
		default:
			out = AppendStr(append(out, sep...), raw[start:end])
		}
		n++
		return true
	})
	switch n {
	case 0:
		return ""
	case 1:
		return t.Str(first)
	}
	return string(out)
}

// lowerKey is strings.ToLower(Key(name)): a lower-case ASCII name as it
// is, any other short ASCII name lower-cased on the stack so that only the
// result is allocated.
func (t *Text) lowerKey(name []byte) string {
	var buf [64]byte
	if isLowerASCII(name) {
		return t.string(name)
	}
	if len(name) > len(buf) || !isASCII(name) {
		return strings.ToLower(Key(name))
	}
	low := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return t.string(low)
}

func isLowerASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

func (t *Text) lowerMap(raw []byte, conv func([]byte) string) (map[string]string, bool) {
	if raw == nil {
		return nil, false
	}
	m := make(map[string]string, 16)
	ok := true
	members(raw, func(name, v []byte) {
		n := len(m)
		m[t.lowerKey(name)] = conv(v)
		ok = ok && len(m) > n
	})
	return m, ok
}

// A LowerMap builds LowerStringMap's answer one member at a time (Add is
// a ScanMembers visitor), keeping only the names listed in Keep (lower
// case) when Keep is not nil: names it drops cannot collide, and cost no
// string. Its strings go to its Text, which the caller may use for the
// event's other strings.
type LowerMap struct {
	Text    Text
	Keep    []string
	m       map[string]string
	collide bool
}

// Add takes one member of a validated object of strings (a name without
// escapes).
func (l *LowerMap) Add(name, value []byte) {
	var key string
	if l.Keep != nil {
		// The listed name is the lower-cased one: no copy of our own.
		k, ok := listedLower(name, l.Keep)
		if !ok {
			return
		}
		key = k
	} else {
		key = l.Text.lowerKey(name)
	}
	if l.m == nil {
		l.m = make(map[string]string)
	}
	n := len(l.m)
	l.m[key] = l.Text.Str(value)
	l.collide = l.collide || len(l.m) == n
}

// Map is the map built (empty, not nil, for no members), and false when
// two kept names coincided once lower-cased.
func (l *LowerMap) Map() (map[string]string, bool) {
	if l.m == nil {
		l.m = map[string]string{}
	}
	return l.m, !l.collide
}

// listedLower returns the entry of list that is name lower-cased, if any
// (name lower-cased on the stack when it is short ASCII).
func listedLower(name []byte, list []string) (string, bool) {
	var buf [64]byte
	if len(name) > len(buf) || !isASCII(name) {
		low := strings.ToLower(Key(name))
		for _, k := range list {
			if low == k {
				return k, true
			}
		}
		return "", false
	}
	low := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for _, k := range list {
		if string(low) == k {
			return k, true
		}
	}
	return "", false
}
