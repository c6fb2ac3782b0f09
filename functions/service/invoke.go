package service

import (
	"context"
	"encoding/json"
	"unicode/utf8"
)

// Invoke answers a direct invocation: event is a request body with "action";
// the answer object comes back as it is, and bad input fails with an
// *InvokeError carrying the status, code and message an HTTP caller would get.
func (s *Service) Invoke(ctx context.Context, event []byte) (json.RawMessage, error) {
	id, _ := ctx.Value(requestIDKey{}).(string)
	resp, fail := s.handle(ctx, &Request{Method: "POST", Path: "/", Body: event, Header: map[string]string{"content-type": "application/json"}, RequestID: id}, true)
	if fail != nil {
		// The values an HTTP caller reads from the error body: the JSON
		// writer turns each invalid UTF-8 byte into U+FFFD, and the body's
		// requestId is the response's X-Request-Id.
		return nil, &InvokeError{Status: fail.status, Code: jsonText(fail.code), Message: jsonText(fail.message), RequestID: resp.Header["X-Request-Id"]}
	}
	return json.RawMessage(resp.Body), nil
}

type requestIDKey struct{}

// WithRequestID gives a direct invocation the platform's request id (an
// event carries none), so that its log line and error name the invocation
// the platform logged.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// jsonText is s as it reads back from a JSON string encoding/json wrote.
func jsonText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s)) // U+FFFD for each invalid byte
}
