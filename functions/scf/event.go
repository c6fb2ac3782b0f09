package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
	"github.com/cos-signer/cos-signer/functions/internal/jsonprobe"
	"github.com/cos-signer/cos-signer/functions/service"
)

// Event is what SCF's HTTP triggers send: the API-gateway event (scf-go-lib's
// APIGatewayRequest, whose queryString type takes the gateway's string,
// array and bool values) plus the fields scf-go-lib leaves unmapped, and the
// Function URL event, which is the same minus requestContext and the
// *Parameters fields.
type Event struct {
	events.APIGatewayRequest
	IsBase64Encoded       bool           `json:"isBase64Encoded"`
	PathParameters        map[string]any `json:"pathParameters"`
	QueryStringParameters map[string]any `json:"queryStringParameters"`
	HeaderParameters      map[string]any `json:"headerParameters"`
	StageVariables        map[string]any `json:"stageVariables"`
}

// isHTTPEvent tells an HTTP trigger's event (it has a string httpMethod)
// from a direct invocation (a plain request body), in one cheap pass that
// reads httpMethod as encoding/json would (isHTTPEventReference, in the tests).
func isHTTPEvent(raw []byte) bool {
	var method, bad bool
	ok := jsonprobe.Members(raw, func(name, v []byte) {
		if !jsonprobe.Is(name, "httpMethod") {
			return
		}
		switch _, isString := jsonprobe.String(v); {
		case string(v) == "null":
			method = false // null resets the field, as a later duplicate does
		case isString:
			method = true
		default:
			bad = true
		}
	})
	return ok && method && !bad
}

// eventError is an HTTP event the adapter cannot read; it becomes a 400.
type eventError struct{ msg string }

func (e *eventError) Error() string { return e.msg }

// toRequest turns an HTTP event into the service's request.
func toRequest(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev Event
	fr, ok := fastEvent(raw, &ev)
	if !ok || !fr.http {
		ev, fr = Event{}, fastRead{}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, &eventError{"the event is not a valid SCF API gateway or Function URL event: " + jsonProblem(err)}
		}
	}
	return eventRequest(ctx, &ev, fr)
}

// eventRequest builds the request from the decoded event and what the fast
// reader read besides (the zero fastRead after encoding/json).
func eventRequest(ctx context.Context, ev *Event, fr fastRead) (*service.Request, error) {
	r := new(service.Request)
	if err := fillRequest(ctx, ev, fr, r); err != nil {
		return nil, err
	}
	return r, nil
}

// fillRequest is eventRequest into the caller's r (Invoke's stays on its
// stack).
func fillRequest(ctx context.Context, ev *Event, fr fastRead, r *service.Request) error {
	hdr := fr.header
	*r = service.Request{
		Method:    ev.Method,
		Path:      ev.Path,
		Header:    hdr,
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
	if hdr == nil {
		r.Header = lowerHeaders(ev.Headers)
	}
	if r.SourceIP == "" {
		r.SourceIP = r.Header["x-scf-remote-addr"] // Function URL
	}
	if r.RequestID == "" {
		r.RequestID = functionRequestID(ctx)
	}
	body := fr.body
	if body == nil && ev.Body != "" {
		body = []byte(ev.Body)
	}
	if ev.IsBase64Encoded {
		b := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
		n, err := base64.StdEncoding.Decode(b, body)
		if err != nil {
			return &eventError{"the event's body is marked isBase64Encoded but is not base64"}
		}
		body = b[:n]
	}
	r.Body = body
	return nil
}

// lowerHeaders lower-cases header names, keeping those keepHeader keeps.
// Names that differ only in case are not left to map order: the byte-wise
// greatest original name wins.
func lowerHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	kept := 0
	for k, v := range h {
		if low := strings.ToLower(k); keepHeader(low) {
			out[low] = v
			kept++
		}
	}
	if len(out) < kept {
		clear(out)
		for _, k := range slices.Sorted(maps.Keys(h)) {
			if low := strings.ToLower(k); keepHeader(low) {
				out[low] = h[k]
			}
		}
	}
	return out
}

// keepHeader: the headers the service reads, and the Function URL's
// x-scf-remote-addr (the caller's address, read here). A gateway forwards
// a dozen others; a map of them all would cost more than the rest of the
// event.
func keepHeader(name string) bool {
	return service.ReadsHeader(name) || name == "x-scf-remote-addr"
}

// keptHeaders lists keepHeader's names, for the fast reader.
var keptHeaders = append(service.ReadHeaders(), "x-scf-remote-addr")

var quote, backslash, amp = []byte{'"'}, []byte{'\\'}, []byte{'&'}

// appendResponse writes the gateway's integration response (scf-go-lib's
// events.APIGatewayResponse) byte for byte as json.Marshal writes it, HTML
// escaping included, without building the struct and encoding it by
// reflection. Headers is never null (scf-go-lib's type would send null for
// none); a body that is not UTF-8 text goes base64-encoded.
func appendResponse(b []byte, resp *service.Response) []byte {
	if b == nil {
		// Room for the answer as it usually comes out: the body with its
		// quotes and backslashes escaped and the URL's & as \u0026, the
		// headers and the members' names. Rarer escapes just grow it.
		n := len(resp.Body) + bytes.Count(resp.Body, quote) + bytes.Count(resp.Body, backslash) +
			5*bytes.Count(resp.Body, amp) + len(`{"isBase64Encoded":false,"statusCode":200,"headers":{},"body":""}`)
		n += 64 * len(resp.Header) // "Name":"value", pairs of the usual lengths

		b = make([]byte, 0, n)
	}
	b64 := !utf8.Valid(resp.Body)
	b = append(b, `{"isBase64Encoded":`...)
	b = strconv.AppendBool(b, b64)
	b = append(b, `,"statusCode":`...)
	b = strconv.AppendInt(b, int64(resp.Status), 10)
	b = append(b, `,"headers":`...)
	hdr := resp.Header
	if hdr == nil {
		hdr = map[string]string{}
	}
	b = eventjson.AppendStringMap(b, hdr, true)
	b = append(b, `,"body":`...)
	if b64 {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, resp.Body)
		b = append(b, '"')
	} else {
		b = eventjson.AppendString(b, resp.Body, true)
	}
	return append(b, '}')
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
