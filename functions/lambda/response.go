package main

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/service"
)

// encodedBody is the response body as text, or base64 when it is not UTF-8.
func encodedBody(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

func copyHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

// toResponse turns the service's answer into the trigger's response type.
func toResponse(k kind, multiValue bool, resp *service.Response) any {
	b, b64 := encodedBody(resp.Body)
	switch k {
	case kindRESTv1:
		return events.APIGatewayProxyResponse{StatusCode: resp.Status, Headers: copyHeaders(resp.Header), Body: b, IsBase64Encoded: b64}
	case kindFunctionURL:
		return events.LambdaFunctionURLResponse{StatusCode: resp.Status, Headers: copyHeaders(resp.Header), Body: b, IsBase64Encoded: b64}
	case kindALB:
		// ALB wants the answer in the event's header mode, and a
		// statusDescription.
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
