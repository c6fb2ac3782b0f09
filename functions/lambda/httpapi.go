package main

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/door"
	"github.com/cos-signer/cos-signer/functions/service"
)

// The API Gateway HTTP API (payload 2.0) door. The authorizer becomes
// {"jwt":{"claims":{…},"scopes":[…]}}, {"lambda":{…}} or {"iam":{…}}.

func httpAPIRequest(ctx context.Context, ev *events.APIGatewayV2HTTPRequest) (*service.Request, error) {
	b, err := door.Body(ev.Body, ev.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	rc := ev.RequestContext
	r := &service.Request{Method: rc.HTTP.Method, Path: orElse(ev.RawPath, rc.HTTP.Path),
		Query: v2Query(ev.RawQueryString, ev.QueryStringParameters), Header: v2Headers(ev.Headers, ev.Cookies), Body: b,
		RequestID: orElse(rc.RequestID, contextRequestID(ctx)), SourceIP: rc.HTTP.SourceIP}
	if a := rc.Authorizer; a != nil {
		switch {
		case a.JWT != nil:
			// The claims stay a map[string]string (auth reads either map
			// type), not a copy boxing every claim.
			r.Authorizer = map[string]any{"jwt": map[string]any{"claims": a.JWT.Claims, "scopes": a.JWT.Scopes}}
		case len(a.Lambda) > 0:
			r.Authorizer = map[string]any{"lambda": a.Lambda}
		case a.IAM != nil:
			r.Authorizer = iamAuthorizer(a.IAM.UserARN, a.IAM.UserID, a.IAM.AccountID, a.IAM.CallerID)
			if id := a.IAM.CognitoIdentity.IdentityID; id != "" {
				r.Authorizer["iam"].(map[string]any)["cognitoIdentityId"] = id
			}
		}
	}
	return r, nil
}

func httpAPIResponse(_ *events.APIGatewayV2HTTPRequest, resp *service.Response) events.APIGatewayV2HTTPResponse {
	body, b64 := door.ResponseBody(resp.Body)
	return events.APIGatewayV2HTTPResponse{StatusCode: resp.Status, Headers: door.ResponseHeaders(resp.Header), Body: body, IsBase64Encoded: b64}
}

// v2Query parses rawQueryString, which keeps repeated names apart;
// queryStringParameters has them comma-joined, so it is only the fallback
// when the raw string does not parse. (Function URLs send the same.)
func v2Query(rawQuery string, params map[string]string) map[string][]string {
	if q, err := url.ParseQuery(rawQuery); err == nil {
		return q
	}
	return door.Query(params, nil)
}

// v2Headers adds the cookies payload 2.0 moves out of the headers back as
// one Cookie header.
func v2Headers(h map[string]string, cookies []string) map[string]string {
	out := door.Headers(h, nil)
	if len(cookies) > 0 {
		out["cookie"] = strings.Join(cookies, "; ")
	}
	return out
}

func iamAuthorizer(userARN, userID, accountID, callerID string) map[string]any {
	return map[string]any{"iam": map[string]any{"userArn": userARN, "userId": userID, "accountId": accountID, "callerId": callerID}}
}
