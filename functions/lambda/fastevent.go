package main

import (
	"encoding/json"
	"reflect"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
)

// The fast readers fill the event fields the adapters read in one
// validating pass over the event (eventjson.Schema), instead of decoding
// every field by reflection. Each answers false for anything it does not
// read exactly as encoding/json would; the adapter then decodes with
// encoding/json. FuzzFastEventReaders holds them to encoding/json.

var restV1Schema = eventjson.SchemaOf(reflect.TypeFor[events.APIGatewayProxyRequest](), nil,
	"httpMethod", "path", "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
	"body", "isBase64Encoded", "requestContext.requestId", "requestContext.identity.sourceIp", "requestContext.authorizer")

func fastRESTv1(raw []byte, ev *events.APIGatewayProxyRequest) bool {
	var c [11][]byte
	if !restV1Schema.Scan(raw, c[:]) {
		return false
	}
	ev.HTTPMethod, ev.Path = eventjson.Str(c[0]), eventjson.Str(c[1])
	ev.Headers, ev.MultiValueHeaders = eventjson.StringMap(c[2]), eventjson.StringListMap(c[3])
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = eventjson.StringMap(c[4]), eventjson.StringListMap(c[5])
	ev.Body, ev.IsBase64Encoded = eventjson.Str(c[6]), eventjson.Bool(c[7])
	ev.RequestContext.RequestID, ev.RequestContext.Identity.SourceIP = eventjson.Str(c[8]), eventjson.Str(c[9])
	return c[10] == nil || json.Unmarshal(c[10], &ev.RequestContext.Authorizer) == nil
}

var httpV2Schema = eventjson.SchemaOf(reflect.TypeFor[events.APIGatewayV2HTTPRequest](), nil,
	"rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters", "body", "isBase64Encoded",
	"requestContext.http.method", "requestContext.http.path", "requestContext.http.sourceIp", "requestContext.requestId",
	"requestContext.authorizer")

func fastHTTPv2(raw []byte, ev *events.APIGatewayV2HTTPRequest) bool {
	var c [12][]byte
	if !httpV2Schema.Scan(raw, c[:]) {
		return false
	}
	ev.RawPath, ev.RawQueryString, ev.Cookies = eventjson.Str(c[0]), eventjson.Str(c[1]), eventjson.StringList(c[2])
	ev.Headers, ev.QueryStringParameters = eventjson.StringMap(c[3]), eventjson.StringMap(c[4])
	ev.Body, ev.IsBase64Encoded = eventjson.Str(c[5]), eventjson.Bool(c[6])
	rc := &ev.RequestContext
	rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.SourceIP = eventjson.Str(c[7]), eventjson.Str(c[8]), eventjson.Str(c[9])
	rc.RequestID = eventjson.Str(c[10])
	return c[11] == nil || json.Unmarshal(c[11], &rc.Authorizer) == nil
}

var functionURLSchema = eventjson.SchemaOf(reflect.TypeFor[events.LambdaFunctionURLRequest](), nil,
	"rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters", "body", "isBase64Encoded",
	"requestContext.http.method", "requestContext.http.path", "requestContext.http.sourceIp", "requestContext.requestId",
	"requestContext.authorizer")

func fastFunctionURL(raw []byte, ev *events.LambdaFunctionURLRequest) bool {
	var c [12][]byte
	if !functionURLSchema.Scan(raw, c[:]) {
		return false
	}
	ev.RawPath, ev.RawQueryString, ev.Cookies = eventjson.Str(c[0]), eventjson.Str(c[1]), eventjson.StringList(c[2])
	ev.Headers, ev.QueryStringParameters = eventjson.StringMap(c[3]), eventjson.StringMap(c[4])
	ev.Body, ev.IsBase64Encoded = eventjson.Str(c[5]), eventjson.Bool(c[6])
	rc := &ev.RequestContext
	rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.SourceIP = eventjson.Str(c[7]), eventjson.Str(c[8]), eventjson.Str(c[9])
	rc.RequestID = eventjson.Str(c[10])
	return c[11] == nil || json.Unmarshal(c[11], &rc.Authorizer) == nil
}

var albSchema = eventjson.SchemaOf(reflect.TypeFor[events.ALBTargetGroupRequest](), nil,
	"httpMethod", "path", "queryStringParameters", "multiValueQueryStringParameters", "headers", "multiValueHeaders",
	"body", "isBase64Encoded")

func fastALB(raw []byte, ev *events.ALBTargetGroupRequest) bool {
	var c [8][]byte
	if !albSchema.Scan(raw, c[:]) {
		return false
	}
	ev.HTTPMethod, ev.Path = eventjson.Str(c[0]), eventjson.Str(c[1])
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = eventjson.StringMap(c[2]), eventjson.StringListMap(c[3])
	ev.Headers, ev.MultiValueHeaders = eventjson.StringMap(c[4]), eventjson.StringListMap(c[5])
	ev.Body, ev.IsBase64Encoded = eventjson.Str(c[6]), eventjson.Bool(c[7])
	return true
}
