package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/door"
	"github.com/cos-signer/cos-signer/functions/service"
)

// The API Gateway REST API (payload 1.0) door.

func restAPIRequest(ctx context.Context, ev *events.APIGatewayProxyRequest) (*service.Request, error) {
	b, err := door.Body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	r := &service.Request{Method: ev.HTTPMethod, Path: ev.Path,
		Query:  door.Query(ev.QueryStringParameters, ev.MultiValueQueryStringParameters),
		Header: door.Headers(ev.Headers, ev.MultiValueHeaders), Body: b,
		RequestID: orElse(ev.RequestContext.RequestID, contextRequestID(ctx)),
		SourceIP:  ev.RequestContext.Identity.SourceIP}
	if len(ev.RequestContext.Authorizer) > 0 {
		r.Authorizer = ev.RequestContext.Authorizer
	}
	return r, nil
}

func restAPIResponse(_ *events.APIGatewayProxyRequest, resp *service.Response) events.APIGatewayProxyResponse {
	body, b64 := door.ResponseBody(resp.Body)
	return events.APIGatewayProxyResponse{StatusCode: resp.Status, Headers: door.ResponseHeaders(resp.Header), Body: body, IsBase64Encoded: b64}
}
