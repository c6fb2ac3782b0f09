package main

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
	"github.com/cos-signer/cos-signer/functions/service"
)

// appendResponse writes the trigger's response object (events.
// APIGatewayProxyResponse, APIGatewayV2HTTPResponse,
// LambdaFunctionURLResponse or ALBTargetGroupResponse) byte for byte as
// aws-lambda-go's encoder writes it (members in struct order, map keys
// sorted, no HTML escaping), without building the struct and encoding it by
// reflection. The body goes as text, or base64 when it is not UTF-8.
func appendResponse(b []byte, k kind, multiValue bool, resp *service.Response) []byte {
	if b == nil {
		b = make([]byte, 0, len(resp.Body)+320)
	}
	hdr := resp.Header
	if hdr == nil {
		hdr = map[string]string{} // the response types always get a headers object
	}
	b64 := !utf8.Valid(resp.Body)
	b = append(b, `{"statusCode":`...)
	b = strconv.AppendInt(b, int64(resp.Status), 10)
	switch k {
	case kindALB:
		// ALB wants the answer in the event's header mode, and a
		// statusDescription.
		b = append(b, `,"statusDescription":`...)
		b = eventjson.AppendString(b, strconv.Itoa(resp.Status)+" "+http.StatusText(resp.Status), false)
		if multiValue {
			b = append(b, `,"headers":null,"multiValueHeaders":`...)
			b = eventjson.AppendStringListMap(b, hdr, false)
		} else {
			b = append(b, `,"headers":`...)
			b = eventjson.AppendStringMap(b, hdr, false)
			b = append(b, `,"multiValueHeaders":null`...)
		}
		if len(resp.Body) > 0 {
			b = append(b, `,"body":`...)
			b = appendBody(b, resp.Body, b64)
		}
		b = append(b, `,"isBase64Encoded":`...)
		b = strconv.AppendBool(b, b64)
	case kindFunctionURL:
		b = append(b, `,"headers":`...)
		b = eventjson.AppendStringMap(b, hdr, false)
		b = append(b, `,"body":`...)
		b = appendBody(b, resp.Body, b64)
		b = append(b, `,"isBase64Encoded":`...)
		b = strconv.AppendBool(b, b64)
		b = append(b, `,"cookies":null`...)
	default: // REST API and HTTP API
		b = append(b, `,"headers":`...)
		b = eventjson.AppendStringMap(b, hdr, false)
		b = append(b, `,"multiValueHeaders":null,"body":`...)
		b = appendBody(b, resp.Body, b64)
		if b64 {
			b = append(b, `,"isBase64Encoded":true`...)
		}
		if k == kindHTTPv2 {
			b = append(b, `,"cookies":null`...)
		}
	}
	return append(b, '}')
}

func appendBody(b, body []byte, b64 bool) []byte {
	if !b64 {
		return eventjson.AppendString(b, body, false)
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, body)
	return append(b, '"')
}
