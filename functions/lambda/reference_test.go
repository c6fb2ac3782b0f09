package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/service"
)

// referenceHandle is the handler as it was before it wrote its responses
// itself: aws-lambda-go's typed form answering the events response types,
// encoded by reflection. Invoke and Handle are held to it byte for byte.
func (h *handler) referenceHandle(ctx context.Context, event json.RawMessage) (any, error) {
	k := kindOfReference(event)
	if k == kindDirect {
		out, err := h.svc.Invoke(service.WithRequestID(ctx, contextRequestID(ctx)), event)
		if err != nil {
			return nil, invokeFailure(err)
		}
		return out, nil
	}
	var req *service.Request
	var multiValue bool
	var err error
	switch k {
	case kindRESTv1:
		req, err = referenceRESTv1(ctx, event)
	case kindHTTPv2:
		req, err = referenceHTTPv2(ctx, event)
	case kindFunctionURL:
		req, err = referenceFunctionURL(ctx, event)
	case kindALB:
		req, multiValue, err = referenceALB(ctx, event)
	}
	if err != nil {
		// Built here, not with service.InvalidEvent, so that the 400 is
		// checked against something other than itself.
		body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "InvalidEvent", "message": err.Error(), "requestId": contextRequestID(ctx)}})
		return toReferenceResponse(k, multiValue, &service.Response{Status: http.StatusBadRequest,
			Header: map[string]string{"Content-Type": "application/json"}, Body: body}), nil
	}
	return toReferenceResponse(k, multiValue, h.svc.Serve(ctx, req)), nil
}

func copyHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

// toReferenceResponse turns the service's answer into the trigger's
// response type.
func toReferenceResponse(k kind, multiValue bool, resp *service.Response) any {
	b, b64 := string(resp.Body), false
	if !utf8.Valid(resp.Body) {
		b, b64 = base64.StdEncoding.EncodeToString(resp.Body), true
	}
	switch k {
	case kindRESTv1:
		return events.APIGatewayProxyResponse{StatusCode: resp.Status, Headers: copyHeaders(resp.Header), Body: b, IsBase64Encoded: b64}
	case kindFunctionURL:
		return events.LambdaFunctionURLResponse{StatusCode: resp.Status, Headers: copyHeaders(resp.Header), Body: b, IsBase64Encoded: b64}
	case kindALB:
		out := events.ALBTargetGroupResponse{StatusCode: resp.Status,
			StatusDescription: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status)), Body: b, IsBase64Encoded: b64}
		if multiValue {
			out.MultiValueHeaders = make(map[string][]string, len(resp.Header))
			for k, v := range resp.Header {
				out.MultiValueHeaders[k] = []string{v}
			}
		} else {
			out.Headers = copyHeaders(resp.Header)
		}
		return out
	default:
		return events.APIGatewayV2HTTPResponse{StatusCode: resp.Status, Headers: copyHeaders(resp.Header), Body: b, IsBase64Encoded: b64}
	}
}

// The encoding/json readers of the four HTTP event types.

func referenceRESTv1(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.APIGatewayProxyRequest
	if err := decode(raw, &ev, "API Gateway REST"); err != nil {
		return nil, err
	}
	return restV1Request(ctx, &ev, nil)
}

func referenceHTTPv2(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.APIGatewayV2HTTPRequest
	if err := decode(raw, &ev, "API Gateway HTTP API"); err != nil {
		return nil, err
	}
	return httpV2Request(ctx, &ev, nil)
}

func referenceFunctionURL(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev events.LambdaFunctionURLRequest
	if err := decode(raw, &ev, "Lambda Function URL"); err != nil {
		return nil, err
	}
	return functionURLRequest(ctx, &ev)
}

func referenceALB(ctx context.Context, raw []byte) (*service.Request, bool, error) {
	var ev events.ALBTargetGroupRequest
	if err := decode(raw, &ev, "ALB target group"); err != nil {
		return nil, false, err
	}
	return albRequest(ctx, &ev, nil)
}

// probe holds only the fields that tell the triggers apart; they are raw so
// that a field of an unexpected type never fails the probe itself. kindOf
// reads the same fields with jsonprobe in one cheap pass; probe is the
// reference it is tested and fuzzed against.
type probe struct {
	Version        json.RawMessage `json:"version"`
	RawPath        json.RawMessage `json:"rawPath"`
	RouteKey       json.RawMessage `json:"routeKey"`
	Resource       json.RawMessage `json:"resource"`
	HTTPMethod     json.RawMessage `json:"httpMethod"`
	RequestContext struct {
		ELB        json.RawMessage `json:"elb"`
		DomainName json.RawMessage `json:"domainName"`
	} `json:"requestContext"`
}

// kindOfReference is kindOf with encoding/json, for the tests.
func kindOfReference(event []byte) kind {
	var p probe
	if json.Unmarshal(event, &p) != nil {
		return kindDirect
	}
	switch {
	case p.Version != nil || p.RawPath != nil || p.RouteKey != nil:
		var domain, route string
		_ = json.Unmarshal(p.RequestContext.DomainName, &domain)
		_ = json.Unmarshal(p.RouteKey, &route)
		if strings.Contains(domain, ".lambda-url.") && (p.RouteKey == nil || route == "$default") {
			return kindFunctionURL
		}
		return kindHTTPv2
	case p.RequestContext.ELB != nil && string(p.RequestContext.ELB) != "null":
		return kindALB
	case p.Resource != nil || p.HTTPMethod != nil:
		return kindRESTv1
	}
	return kindDirect
}
