package main

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// The parts of an HTTP message every event source maps the same way.

// requestBody undoes the transport's base64 encoding.
func requestBody(s string, b64 bool) ([]byte, error) {
	if !b64 {
		if s == "" {
			return nil, nil
		}
		return []byte(s), nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &eventError{"the event's body is marked isBase64Encoded but is not base64"}
	}
	return b, nil
}

// responseBody is the answer's body as the response types carry it: text,
// or base64 when it is not UTF-8.
func responseBody(b []byte) (body string, b64 bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// responseHeaders is never nil: the response types send null for a nil map.
func responseHeaders(h map[string]string) map[string]string {
	if h == nil {
		return map[string]string{}
	}
	return h
}

// requestHeaders lower-cases names; multi-value headers, when the event has
// them, win and are joined with ", ". Names that differ only in case are
// not left to map order: the byte-wise greatest original name wins.
func requestHeaders(single map[string]string, multi map[string][]string) map[string]string {
	if len(multi) > 0 {
		return lowerNames(multi, func(vs []string) string { return strings.Join(vs, ", ") })
	}
	return lowerNames(single, func(v string) string { return v })
}

func lowerNames[V any](in map[string]V, value func(V) string) map[string]string {
	h := make(map[string]string, len(in))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		h[strings.ToLower(k)] = value(in[k])
	}
	return h
}

// requestQuery prefers the multi-value form when the event has it, as it
// is: nothing writes to a Request's Query.
func requestQuery(single map[string]string, multi map[string][]string) map[string][]string {
	if len(multi) > 0 {
		return multi
	}
	q := make(map[string][]string, len(single))
	for k, v := range single {
		q[k] = []string{v}
	}
	return q
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
