// Package jsonprobe reads the member names of a JSON object without decoding
// it, so a platform adapter can tell an event's kind from its shape in one
// cheap pass instead of a reflective decode. Names match as encoding/json
// matches struct fields: case-insensitively, escapes undone, and the last
// of duplicate names wins when the caller keeps the last value.
package jsonprobe

import (
	"bytes"
	"encoding/json"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
)

// Members calls fn with each member of the JSON object in b: its name
// (escapes undone) and its raw value. It reports false when b is not a
// well-formed object; fn may then have seen some members.
func Members(b []byte, fn func(name, value []byte)) bool {
	i := eventjson.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = eventjson.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return eventjson.SkipSpace(b, i+1) == len(b)
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		end, ok := skipString(b, i)
		if !ok {
			return false
		}
		name := b[i+1 : end-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			var s string
			if json.Unmarshal(b[i:end], &s) != nil {
				return false
			}
			name = []byte(s)
		}
		i = eventjson.SkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		start := eventjson.SkipSpace(b, i+1)
		end, ok = skipValue(b, start)
		if !ok {
			return false
		}
		fn(name, b[start:end])
		i = eventjson.SkipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = eventjson.SkipSpace(b, i+1)
		case '}':
			return eventjson.SkipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
	return false
}

// Is reports whether a member name matches a struct field's JSON name the
// way encoding/json matches it (ASCII names, case-insensitively; the
// Kelvin sign and long s fold to k and s there too).
func Is(name []byte, field string) bool {
	return bytes.EqualFold(name, []byte(field))
}

// String returns a JSON string value's text; ok is false for anything else.
func String(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if s := v[1 : len(v)-1]; bytes.IndexByte(s, '\\') < 0 {
		return string(s), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		if j = eventjson.PlainRun(b, j); j >= len(b) {
			break
		}
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		default:
			if b[j] < 0x20 {
				return 0, false
			}
		}
	}
	return 0, false
}

// skipValue returns the index after the value starting at b[i]. Nested
// values are only bracket-matched: the caller's full decode validates them.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := skipString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j, j > i
}
