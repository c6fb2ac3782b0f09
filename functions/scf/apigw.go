package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/service"
)

// httpEvent is what SCF's HTTP triggers send: scf-go-lib's API-gateway event
// (whose queryString type takes the gateway's string, array and bool
// values) plus isBase64Encoded, which scf-go-lib leaves out. A Function URL
// sends the same shape without requestContext; the caller's address comes
// in its x-scf-remote-addr header.
type httpEvent struct {
	events.APIGatewayRequest
	IsBase64Encoded bool `json:"isBase64Encoded"`
}

// eventError is an HTTP event the door cannot read; it becomes a 400.
type eventError struct{ msg string }

func (e *eventError) Error() string { return e.msg }

// toRequest decodes an HTTP event and turns it into the service's request.
func toRequest(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev httpEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, &eventError{"the event is not a valid SCF API gateway or Function URL event: " + jsonProblem(err)}
	}
	r := &service.Request{
		Method:    ev.Method,
		Path:      ev.Path,
		Header:    lowerHeaders(ev.Headers),
		RequestID: ev.Context.RequestID,
		SourceIP:  ev.Context.SourceIP,
	}
	if len(ev.QueryString) > 0 {
		for k, vs := range ev.QueryString {
			if len(vs) == 0 {
				ev.QueryString[k] = []string{""} // ?flag arrives as true: present, no value
			}
		}
		r.Query = ev.QueryString
	}
	if r.SourceIP == "" {
		r.SourceIP = r.Header["x-scf-remote-addr"] // Function URL
	}
	if r.RequestID == "" {
		r.RequestID = functionRequestID(ctx)
	}
	if ev.Body != "" {
		r.Body = []byte(ev.Body)
	}
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, &eventError{"the event's body is marked isBase64Encoded but is not base64"}
		}
		r.Body = b
	}
	return r, nil
}

// lowerHeaders lower-cases header names. Names that differ only in case are
// not left to map order: the byte-wise greatest original name wins.
func lowerHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		out[strings.ToLower(k)] = h[k]
	}
	return out
}

// toResponse is the gateway's integration response. Its headers are never
// null (none is {}); a body that is not UTF-8 text goes base64-encoded.
func toResponse(resp *service.Response) events.APIGatewayResponse {
	out := events.APIGatewayResponse{StatusCode: resp.Status, Headers: resp.Header}
	if out.Headers == nil {
		out.Headers = map[string]string{}
	}
	if utf8.Valid(resp.Body) {
		out.Body = string(resp.Body)
	} else {
		out.Body, out.IsBase64Encoded = base64.StdEncoding.EncodeToString(resp.Body), true
	}
	return out
}

// jsonProblem says what is wrong without echoing event content.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return "field " + te.Field + " has the wrong type"
	case errors.As(err, &se):
		return "it is not valid JSON"
	}
	return "it does not have the expected shape"
}
