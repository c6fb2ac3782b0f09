package main

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/door"
	"github.com/cos-signer/cos-signer/functions/service"
)

// The ALB target group door. ALB passes query names and values on as the
// client percent-encoded them, so they are decoded here, and it wants the
// answer in the event's header mode (multi-value or not).

func albRequest(ctx context.Context, ev *events.ALBTargetGroupRequest) (*service.Request, error) {
	b, err := door.Body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	raw := door.Query(ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	q := make(map[string][]string, len(raw))
	// Names that unescape alike ("a+b", "a%20b") keep their values in one
	// order (of the raw names, sorted), not map order.
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		uk := unescape(k)
		for _, v := range raw[k] {
			q[uk] = append(q[uk], unescape(v))
		}
	}
	h := door.Headers(ev.Headers, ev.MultiValueHeaders)
	return &service.Request{Method: ev.HTTPMethod, Path: ev.Path, Query: q, Header: h, Body: b,
		RequestID: contextRequestID(ctx), SourceIP: albClientIP(h["x-forwarded-for"])}, nil
}

func albResponse(ev *events.ALBTargetGroupRequest, resp *service.Response) events.ALBTargetGroupResponse {
	body, b64 := door.ResponseBody(resp.Body)
	out := events.ALBTargetGroupResponse{StatusCode: resp.Status,
		StatusDescription: strconv.Itoa(resp.Status) + " " + http.StatusText(resp.Status), Body: body, IsBase64Encoded: b64}
	if len(ev.MultiValueHeaders) > 0 || len(ev.MultiValueQueryStringParameters) > 0 {
		out.MultiValueHeaders = make(map[string][]string, len(resp.Header))
		for k, v := range resp.Header {
			out.MultiValueHeaders[k] = []string{v}
		}
	} else {
		out.Headers = door.ResponseHeaders(resp.Header)
	}
	return out
}

// albClientIP is the address the load balancer saw: the LAST X-Forwarded-For
// entry, which ALB appends; earlier ones are whatever the client sent.
func albClientIP(xff string) string {
	if i := strings.LastIndexByte(xff, ','); i >= 0 {
		xff = xff[i+1:]
	}
	return strings.TrimSpace(xff)
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s // not valid percent-encoding: taken as it came
}
