package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cos-signer/cos-signer/functions/service"
)

// eventError is an HTTP event the adapter cannot read; it becomes a 400.
type eventError struct{ msg string }

func (e *eventError) Error() string { return e.msg }

func decode(raw []byte, v any, what string) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &eventError{"the event is not a valid " + what + " event: field " + te.Field + " has the wrong type"}
		}
		return &eventError{"the event is not a valid " + what + " event"}
	}
	return nil
}

func body(s string, b64 bool) ([]byte, error) {
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

// headers lower-cases names; multi-value headers, when the event has them,
// win and are joined with ", ". Names that differ only in case are not
// left to map order: the byte-wise greatest original name wins.
func headers(single map[string]string, multi map[string][]string) map[string]string {
	h := make(map[string]string, len(single)+len(multi))
	if len(multi) > 0 {
		for k, vs := range multi {
			h[strings.ToLower(k)] = strings.Join(vs, ", ")
		}
		if len(h) < len(multi) {
			clear(h)
			for _, k := range slices.Sorted(maps.Keys(multi)) {
				h[strings.ToLower(k)] = strings.Join(multi[k], ", ")
			}
		}
		return h
	}
	for k, v := range single {
		h[strings.ToLower(k)] = v
	}
	if len(h) < len(single) {
		clear(h)
		for _, k := range slices.Sorted(maps.Keys(single)) {
			h[strings.ToLower(k)] = single[k]
		}
	}
	return h
}

// query prefers the multi-value form when the event has it, as it is:
// nothing writes to a Request's Query.
func query(single map[string]string, multi map[string][]string) map[string][]string {
	if len(multi) > 0 {
		return multi
	}
	q := make(map[string][]string, len(single))
	for k, v := range single {
		q[k] = []string{v}
	}
	return q
}

func contextRequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fromRESTv1 reads a REST API (payload 1.0) event.
func fromRESTv1(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.APIGatewayProxyRequest
	hdr, ok := fastRESTv1(raw, &ev)
	if !ok {
		hdr = nil
		ev = events.APIGatewayProxyRequest{}
		if err := decode(raw, &ev, "API Gateway REST"); err != nil {
			return nil, err
		}
	}
	return restV1Request(ctx, &ev, hdr)
}

func restV1Request(ctx context.Context, ev *events.APIGatewayProxyRequest, hdr *lowered) (*service.Request, error) {
	b, err := body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	r := &service.Request{Method: ev.HTTPMethod, Path: ev.Path,
		Query:  query(ev.QueryStringParameters, ev.MultiValueQueryStringParameters),
		Header: hdr.or(ev.Headers, ev.MultiValueHeaders), Body: b,
		RequestID: orElse(ev.RequestContext.RequestID, contextRequestID(ctx)),
		SourceIP:  ev.RequestContext.Identity.SourceIP}
	if len(ev.RequestContext.Authorizer) > 0 {
		r.Authorizer = ev.RequestContext.Authorizer
	}
	return r, nil
}

// v2Query parses rawQueryString, which keeps repeated names apart;
// queryStringParameters has them comma-joined, so it is only the fallback
// when the raw string does not parse.
func v2Query(rawQuery string, params map[string]string) map[string][]string {
	if q, err := url.ParseQuery(rawQuery); err == nil {
		return q
	}
	return query(params, nil)
}

// v2Headers adds the cookies payload 2.0 moves out of the headers back as
// one Cookie header.
func v2Headers(h map[string]string, cookies []string, hdr *lowered) map[string]string {
	out := hdr.or(h, nil)
	if len(cookies) > 0 {
		out["cookie"] = strings.Join(cookies, "; ")
	}
	return out
}

// fromHTTPv2 reads an HTTP API (payload 2.0) event. The authorizer becomes
// {"jwt":{"claims":{…},"scopes":[…]}}, {"lambda":{…}} or {"iam":{…}}.
func fromHTTPv2(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.APIGatewayV2HTTPRequest
	hdr, ok := fastHTTPv2(raw, &ev)
	if !ok {
		hdr = nil
		ev = events.APIGatewayV2HTTPRequest{}
		if err := decode(raw, &ev, "API Gateway HTTP API"); err != nil {
			return nil, err
		}
	}
	return httpV2Request(ctx, &ev, hdr)
}

func httpV2Request(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, hdr *lowered) (*service.Request, error) {
	b, err := body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	rc := ev.RequestContext
	r := &service.Request{Method: rc.HTTP.Method, Path: orElse(ev.RawPath, rc.HTTP.Path),
		Query: v2Query(ev.RawQueryString, ev.QueryStringParameters), Header: v2Headers(ev.Headers, ev.Cookies, hdr), Body: b,
		RequestID: orElse(rc.RequestID, contextRequestID(ctx)), SourceIP: rc.HTTP.SourceIP}
	if a := rc.Authorizer; a != nil {
		switch {
		case a.JWT != nil:
			// The claims stay a map[string]string (auth reads either map
			// type), not a copy boxing every claim on every request.
			r.Authorizer = map[string]any{"jwt": map[string]any{"claims": a.JWT.Claims, "scopes": a.JWT.Scopes}}
		case len(a.Lambda) > 0:
			r.Authorizer = map[string]any{"lambda": a.Lambda}
		case a.IAM != nil:
			r.Authorizer = map[string]any{"iam": iamMap(a.IAM.UserARN, a.IAM.UserID, a.IAM.AccountID, a.IAM.CallerID)}
		}
	}
	return r, nil
}

func iamMap(userARN, userID, accountID, callerID string) map[string]any {
	return map[string]any{"userArn": userARN, "userId": userID, "accountId": accountID, "callerId": callerID}
}

// fromFunctionURL reads a Function URL event (payload 2.0 without routes).
// The fast reader fills the HTTP API type, which has every field a Function
// URL event has; encoding/json's decoding is carried over to it (urlAsV2),
// so both are read by httpV2Request.
func fromFunctionURL(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.APIGatewayV2HTTPRequest
	hdr, ok := fastFunctionURL(raw, &ev)
	if !ok {
		var url events.LambdaFunctionURLRequest
		if err := decode(raw, &url, "Lambda Function URL"); err != nil {
			return nil, err
		}
		return functionURLRequest(ctx, &url)
	}
	return httpV2Request(ctx, &ev, hdr)
}

// functionURLRequest builds the request from a decoded Function URL event.
func functionURLRequest(ctx context.Context, ev *events.LambdaFunctionURLRequest) (*service.Request, error) {
	return httpV2Request(ctx, urlAsV2(ev), nil)
}

// urlAsV2 carries the fields httpV2Request reads from a Function URL event
// over to the HTTP API type (its authorizer can only be IAM).
func urlAsV2(ev *events.LambdaFunctionURLRequest) *events.APIGatewayV2HTTPRequest {
	v2 := &events.APIGatewayV2HTTPRequest{RawPath: ev.RawPath, RawQueryString: ev.RawQueryString, Cookies: ev.Cookies,
		Headers: ev.Headers, QueryStringParameters: ev.QueryStringParameters, Body: ev.Body, IsBase64Encoded: ev.IsBase64Encoded}
	rc, v2rc := &ev.RequestContext, &v2.RequestContext
	v2rc.HTTP.Method, v2rc.HTTP.Path, v2rc.HTTP.SourceIP, v2rc.RequestID = rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.SourceIP, rc.RequestID
	v2rc.Authorizer = urlAuthorizerAsV2(rc.Authorizer)
	return v2
}

// urlAuthorizerAsV2 is a Function URL authorizer as the HTTP API type's
// (nil unless it is IAM, the only kind a Function URL has).
func urlAuthorizerAsV2(a *events.LambdaFunctionURLRequestContextAuthorizerDescription) *events.APIGatewayV2HTTPRequestContextAuthorizerDescription {
	if a == nil || a.IAM == nil {
		return nil
	}
	return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
		UserARN: a.IAM.UserARN, UserID: a.IAM.UserID, AccountID: a.IAM.AccountID, CallerID: a.IAM.CallerID}}
}

// fromALB reads an ALB target group event. ALB passes query names and
// values on as the client percent-encoded them, so they are decoded here.
func fromALB(ctx context.Context, raw []byte) (*service.Request, bool, error) {
	var ev events.ALBTargetGroupRequest
	hdr, ok := fastALB(raw, &ev)
	if !ok {
		hdr = nil
		ev = events.ALBTargetGroupRequest{}
		if err := decode(raw, &ev, "ALB target group"); err != nil {
			return nil, false, err
		}
	}
	return albRequest(ctx, &ev, hdr)
}

func albRequest(ctx context.Context, ev *events.ALBTargetGroupRequest, hdr *lowered) (*service.Request, bool, error) {
	b, err := body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, false, err
	}
	multi := hdr.fromMulti(ev.MultiValueHeaders) || len(ev.MultiValueQueryStringParameters) > 0
	raw := query(ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	q := make(map[string][]string, len(raw))
	for k, vs := range raw {
		k = unescape(k)
		for _, v := range vs {
			q[k] = append(q[k], unescape(v))
		}
	}
	if len(q) < len(raw) {
		// Names that unescape alike ("a+b", "a%20b") keep their values
		// in one order (of the raw names, sorted), not map order.
		clear(q)
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			uk := unescape(k)
			for _, v := range raw[k] {
				q[uk] = append(q[uk], unescape(v))
			}
		}
	}
	h := hdr.or(ev.Headers, ev.MultiValueHeaders)
	return &service.Request{Method: ev.HTTPMethod, Path: ev.Path, Query: q, Header: h, Body: b,
		RequestID: contextRequestID(ctx), SourceIP: albClientIP(h["x-forwarded-for"])}, multi, nil
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
