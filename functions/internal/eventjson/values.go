package eventjson

import (
	"encoding/json"
	"unicode/utf8"
)

// The converters below read values Scan has validated against their
// schema (a string, an object of strings, …); each gives what encoding/json
// would store in a fresh value of the field's type.

// Str is a validated JSON string's text. Escapes and invalid UTF-8 are
// left to encoding/json, which replaces bad bytes with U+FFFD.
func Str(raw []byte) string {
	if len(raw) < 2 || raw[0] != '"' {
		return "" // absent, or null
	}
	s := raw[1 : len(raw)-1]
	if !hasBackslash(s) && utf8.Valid(s) {
		return string(s)
	}
	var out string
	_ = json.Unmarshal(raw, &out)
	return out
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
// map[string]string; nil for a nil raw value.
func StringMap(raw []byte) map[string]string {
	if raw == nil {
		return nil
	}
	m := make(map[string]string, 16)
	members(raw, func(name, v []byte) { m[string(name)] = Str(v) })
	return m
}

// StringListMap is a validated object of string lists as a
// map[string][]string; nil for a nil raw value.
func StringListMap(raw []byte) map[string][]string {
	if raw == nil {
		return nil
	}
	m := map[string][]string{}
	members(raw, func(name, v []byte) { m[string(name)] = StringList(v) })
	return m
}

// StringList is a validated array of strings (or nulls, stored as "");
// nil for a nil raw value or null.
func StringList(raw []byte) []string {
	if raw == nil || raw[0] == 'n' {
		return nil
	}
	var out []string
	_, _ = array(raw, 0, 1, func(start, end int) bool {
		out = append(out, Str(raw[start:end]))
		return true
	})
	if out == nil {
		out = []string{}
	}
	return out
}

// Members calls fn with each member of a validated object whose names have
// no escapes: the name and the raw value.
func Members(raw []byte, fn func(name, value []byte)) { members(raw, fn) }

func members(raw []byte, fn func(name, v []byte)) {
	_, _ = object(raw, 0, 1, func(name []byte, _ bool, start, end int) bool {
		fn(name, raw[start:end])
		return true
	})
}
