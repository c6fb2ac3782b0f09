package main

import (
	"encoding/json"
	"reflect"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
)

// The fast readers fill the event fields the adapters read in one
// validating pass over the event (eventjson.Schema), instead of decoding
// every field by reflection. Each answers false for anything it does not
// read exactly as encoding/json would; the adapter then decodes with
// encoding/json. FuzzFastEventReaders holds them to encoding/json. Each
// schema is built on first use: a cold start builds only its event's. The
// strings an event's reader keeps share buffers (eventjson.Text).

var restV1Schema = sync.OnceValue(func() *eventjson.Schema {
	return eventjson.SchemaOf(reflect.TypeFor[events.APIGatewayProxyRequest](), nil,
		"httpMethod", "path", "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
		"body", "isBase64Encoded", "requestContext.requestId", "requestContext.identity.sourceIp", "requestContext.authorizer")
})

func fastRESTv1(raw []byte, ev *events.APIGatewayProxyRequest) (*lowered, bool) {
	var c [11][]byte
	if !restV1Schema().Scan(raw, c[:]) {
		return nil, false
	}
	t := new(eventjson.Text)
	ev.HTTPMethod, ev.Path = t.Str(c[0]), t.Str(c[1])
	hdr := lowerHeaders(t, c[2], c[3])
	if hdr == nil {
		ev.Headers, ev.MultiValueHeaders = t.StringMap(c[2]), t.StringListMap(c[3])
	}
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = t.StringMap(c[4]), t.StringListMap(c[5])
	ev.Body, ev.IsBase64Encoded = t.Str(c[6]), eventjson.Bool(c[7])
	ev.RequestContext.RequestID, ev.RequestContext.Identity.SourceIP = t.Str(c[8]), t.Str(c[9])
	var ok bool
	ev.RequestContext.Authorizer, ok = eventjson.AnyMap(c[10])
	return hdr, ok
}

var httpV2Schema = sync.OnceValue(func() *eventjson.Schema {
	return eventjson.SchemaOf(reflect.TypeFor[events.APIGatewayV2HTTPRequest](), nil,
		"rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters", "body", "isBase64Encoded",
		"requestContext.http.method", "requestContext.http.path", "requestContext.http.sourceIp", "requestContext.requestId",
		"requestContext.authorizer", "requestContext.authorizer.jwt", "requestContext.authorizer.jwt.claims",
		"requestContext.authorizer.jwt.scopes", "requestContext.authorizer.lambda", "requestContext.authorizer.iam",
		"requestContext.authorizer.iam.userArn", "requestContext.authorizer.iam.userId", "requestContext.authorizer.iam.accountId",
		"requestContext.authorizer.iam.callerId")
})

func fastHTTPv2(raw []byte, ev *events.APIGatewayV2HTTPRequest) (*lowered, bool) {
	var c [21][]byte
	if !httpV2Schema().Scan(raw, c[:]) {
		return nil, false
	}
	t := new(eventjson.Text)
	hdr := readPayload2(t, c[:], ev)
	if c[11] == nil {
		return hdr, true
	}
	// The parts of the authorizer httpV2Request reads.
	a := &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{}
	ev.RequestContext.Authorizer = a
	if c[12] != nil {
		a.JWT = &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
			Claims: t.StringMap(c[13]), Scopes: t.StringList(c[14])}
	}
	var ok bool
	if a.Lambda, ok = eventjson.AnyMap(c[15]); !ok {
		return nil, false
	}
	if c[16] != nil {
		a.IAM = &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: t.Str(c[17]),
			UserID: t.Str(c[18]), AccountID: t.Str(c[19]), CallerID: t.Str(c[20])}
	}
	return hdr, true
}

// readPayload2 fills ev from the captures both payload 2.0 schemas list
// first, in this order.
func readPayload2(t *eventjson.Text, c [][]byte, ev *events.APIGatewayV2HTTPRequest) *lowered {
	ev.RawPath, ev.RawQueryString, ev.Cookies = t.Str(c[0]), t.Str(c[1]), t.StringList(c[2])
	hdr := lowerHeaders(t, c[3], nil)
	if hdr == nil {
		ev.Headers = t.StringMap(c[3])
	}
	ev.QueryStringParameters = t.StringMap(c[4])
	ev.Body, ev.IsBase64Encoded = t.Str(c[5]), eventjson.Bool(c[6])
	rc := &ev.RequestContext
	rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.SourceIP = t.Str(c[7]), t.Str(c[8]), t.Str(c[9])
	rc.RequestID = t.Str(c[10])
	return hdr
}

var functionURLSchema = sync.OnceValue(func() *eventjson.Schema {
	return eventjson.SchemaOf(reflect.TypeFor[events.LambdaFunctionURLRequest](), nil,
		"rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters", "body", "isBase64Encoded",
		"requestContext.http.method", "requestContext.http.path", "requestContext.http.sourceIp", "requestContext.requestId",
		"requestContext.authorizer")
})

// fastFunctionURL validates raw as a Function URL event and reads it into
// the HTTP API type, as urlAsV2 carries a decoded one over.
func fastFunctionURL(raw []byte, ev *events.APIGatewayV2HTTPRequest) (*lowered, bool) {
	var c [12][]byte
	if !functionURLSchema().Scan(raw, c[:]) {
		return nil, false
	}
	hdr := readPayload2(new(eventjson.Text), c[:], ev)
	if c[11] == nil {
		return hdr, true
	}
	var a events.LambdaFunctionURLRequestContextAuthorizerDescription
	if json.Unmarshal(c[11], &a) != nil {
		return nil, false
	}
	ev.RequestContext.Authorizer = urlAuthorizerAsV2(&a)
	return hdr, true
}

var albSchema = sync.OnceValue(func() *eventjson.Schema {
	return eventjson.SchemaOf(reflect.TypeFor[events.ALBTargetGroupRequest](), nil,
		"httpMethod", "path", "queryStringParameters", "multiValueQueryStringParameters", "headers", "multiValueHeaders",
		"body", "isBase64Encoded")
})

func fastALB(raw []byte, ev *events.ALBTargetGroupRequest) (*lowered, bool) {
	var c [8][]byte
	if !albSchema().Scan(raw, c[:]) {
		return nil, false
	}
	t := new(eventjson.Text)
	ev.HTTPMethod, ev.Path = t.Str(c[0]), t.Str(c[1])
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = t.StringMap(c[2]), t.StringListMap(c[3])
	hdr := lowerHeaders(t, c[4], c[5])
	if hdr == nil {
		ev.Headers, ev.MultiValueHeaders = t.StringMap(c[4]), t.StringListMap(c[5])
	}
	ev.Body, ev.IsBase64Encoded = t.Str(c[6]), eventjson.Bool(c[7])
	return hdr, true
}

// lowered is the request's header map built straight from the event's raw
// headers / multiValueHeaders members, as headers() would build it from
// the decoded maps; nil means: build it with headers().
type lowered struct {
	h     map[string]string
	multi bool // built from multiValueHeaders
}

// lowerHeaders builds headers()'s answer from the raw members, or returns
// nil when it cannot do so in one step (absent members, or names that
// coincide once lower-cased, which headers() resolves itself).
func lowerHeaders(t *eventjson.Text, single, multi []byte) *lowered {
	if multi != nil {
		h, ok := t.LowerJoinedMap(multi, ", ")
		if !ok {
			return nil
		}
		if len(h) > 0 {
			return &lowered{h: h, multi: true}
		}
	}
	if h, ok := t.LowerStringMap(single); ok {
		return &lowered{h: h}
	}
	return nil
}

// or is the lowered header map, or headers(single, multi) without one.
func (l *lowered) or(single map[string]string, multi map[string][]string) map[string]string {
	if l != nil {
		return l.h
	}
	return headers(single, multi)
}

// fromMulti reports whether the headers came from multiValueHeaders.
func (l *lowered) fromMulti(multi map[string][]string) bool {
	if l != nil {
		return l.multi
	}
	return len(multi) > 0
}
