package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/door"
	"github.com/cos-signer/cos-signer/functions/service"
)

// The Lambda Function URL door: payload 2.0 without routes, whose only
// authorizer is IAM.

func functionURLRequest(ctx context.Context, ev *events.LambdaFunctionURLRequest) (*service.Request, error) {
	b, err := door.Body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	rc := ev.RequestContext
	r := &service.Request{Method: rc.HTTP.Method, Path: orElse(ev.RawPath, rc.HTTP.Path),
		Query: v2Query(ev.RawQueryString, ev.QueryStringParameters), Header: v2Headers(ev.Headers, ev.Cookies), Body: b,
		RequestID: orElse(rc.RequestID, contextRequestID(ctx)), SourceIP: rc.HTTP.SourceIP}
	if a := rc.Authorizer; a != nil && a.IAM != nil {
		r.Authorizer = iamAuthorizer(a.IAM.UserARN, a.IAM.UserID, a.IAM.AccountID, a.IAM.CallerID)
	}
	return r, nil
}

func functionURLResponse(_ *events.LambdaFunctionURLRequest, resp *service.Response) events.LambdaFunctionURLResponse {
	body, b64 := door.ResponseBody(resp.Body)
	return events.LambdaFunctionURLResponse{StatusCode: resp.Status, Headers: door.ResponseHeaders(resp.Header), Body: body, IsBase64Encoded: b64}
}
