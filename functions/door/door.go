// Package door holds what the event doors (functions/scf, functions/lambda)
// do alike when they turn a platform's HTTP event into a service.Request
// and the answer back: the body's base64 transport encoding, header names
// lower-cased, the query's two shapes, and the error for an event a door
// cannot read. It knows nothing of signing, policy or the service's JSON;
// it imports only the standard library.
package door

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// EventError is an HTTP event a door cannot read; the door answers it with
// the service's 400 InvalidEvent. Its message names what is wrong, never
// the event's content.
type EventError struct{ Msg string }

func (e *EventError) Error() string { return e.Msg }

// Body undoes the transport's base64 encoding of a request body ("" is no
// body).
func Body(s string, b64 bool) ([]byte, error) {
	if !b64 {
		if s == "" {
			return nil, nil
		}
		return []byte(s), nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &EventError{"the event's body is marked isBase64Encoded but is not base64"}
	}
	return b, nil
}

// ResponseBody is an answer's body as the platforms' response types carry
// it: text, or base64 when it is not UTF-8.
func ResponseBody(b []byte) (body string, b64 bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// ResponseHeaders is never nil: the response types send null for a nil
// map.
func ResponseHeaders(h map[string]string) map[string]string {
	if h == nil {
		return map[string]string{}
	}
	return h
}

// Headers lower-cases names, as a service.Request has them; multi-value
// headers, when the event has them, win and are joined with ", ". Names
// that differ only in case are not left to map order: the byte-wise
// greatest original name wins.
func Headers(single map[string]string, multi map[string][]string) map[string]string {
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

// Query prefers the multi-value form when the event has it, as it is:
// nothing writes to a Request's Query.
func Query(single map[string]string, multi map[string][]string) map[string][]string {
	if len(multi) > 0 {
		return multi
	}
	q := make(map[string][]string, len(single))
	for k, v := range single {
		q[k] = []string{v}
	}
	return q
}
