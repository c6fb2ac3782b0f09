package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/door"
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

// toRequest decodes an HTTP event and turns it into the service's request.
func toRequest(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev httpEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, &door.EventError{Msg: "the event is not a valid SCF API gateway or Function URL event: " + jsonProblem(err)}
	}
	r := &service.Request{
		Method:    ev.Method,
		Path:      ev.Path,
		Header:    door.Headers(ev.Headers, nil),
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
	b, err := door.Body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	r.Body = b
	return r, nil
}

// toResponse is the gateway's integration response. Its headers are never
// null (none is {}); a body that is not UTF-8 text goes base64-encoded.
func toResponse(resp *service.Response) events.APIGatewayResponse {
	body, b64 := door.ResponseBody(resp.Body)
	return events.APIGatewayResponse{StatusCode: resp.Status, Headers: door.ResponseHeaders(resp.Header), Body: body, IsBase64Encoded: b64}
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
