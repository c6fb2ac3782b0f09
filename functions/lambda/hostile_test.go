package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

// The Lambda triggers the hostile table runs through.
var (
	lambdaRESTv1 = hostiletest.Platform{Name: "lambda-v1", Base64: true}
	lambdaHTTPv2 = hostiletest.Platform{Name: "lambda-v2", Base64: true}
	lambdaURL    = hostiletest.Platform{Name: "lambda-url", Base64: true}
	lambdaALB    = hostiletest.Platform{Name: "lambda-alb", Base64: true}
)

// lambdaEventOf builds the trigger's event for r with aws-lambda-go's own
// types, shaped as each trigger sends it.
func lambdaEventOf(p hostiletest.Platform, r hostiletest.Request) []byte {
	body, b64 := r.BodyOn(p)
	lower := map[string]string{}
	for k, v := range r.Header {
		lower[strings.ToLower(k)] = v
	}
	single, multi := map[string]string{}, map[string][]string{}
	for k, vs := range r.Query {
		if len(vs) > 0 {
			single[k] = vs[len(vs)-1]
			multi[k] = vs
		}
	}
	rawQuery := url.Values(r.Query).Encode()
	var ev any
	switch p {
	case lambdaRESTv1:
		mvh := map[string][]string{}
		for k, v := range r.Header {
			mvh[k] = []string{v}
		}
		ev = events.APIGatewayProxyRequest{Resource: "/{proxy+}", Path: r.Path, HTTPMethod: r.Method,
			Headers: r.Header, MultiValueHeaders: mvh, QueryStringParameters: single, MultiValueQueryStringParameters: multi,
			PathParameters: map[string]string{"proxy": strings.TrimPrefix(r.Path, "/")},
			RequestContext: events.APIGatewayProxyRequestContext{AccountID: "123456789012", ResourcePath: "/{proxy+}",
				Stage: "prod", RequestID: "hostile-v1", HTTPMethod: r.Method, APIID: "abcdef1234",
				Identity: events.APIGatewayRequestIdentity{SourceIP: "203.0.113.9"}},
			Body: body, IsBase64Encoded: b64}
	case lambdaHTTPv2:
		joined := map[string]string{}
		for k, vs := range multi {
			joined[k] = strings.Join(vs, ",")
		}
		ev = events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "ANY /{proxy+}", RawPath: r.Path, RawQueryString: rawQuery,
			Headers: lower, QueryStringParameters: joined,
			RequestContext: events.APIGatewayV2HTTPRequestContext{RouteKey: "ANY /{proxy+}", AccountID: "123456789012",
				Stage: "$default", RequestID: "hostile-v2", APIID: "abcdef1234", DomainName: "abcdef1234.execute-api.ap-northeast-1.amazonaws.com",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: r.Path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9"}},
			Body: body, IsBase64Encoded: b64}
	case lambdaURL:
		joined := map[string]string{}
		for k, vs := range multi {
			joined[k] = strings.Join(vs, ",")
		}
		ev = events.LambdaFunctionURLRequest{Version: "2.0", RawPath: r.Path, RawQueryString: rawQuery, Headers: lower,
			QueryStringParameters: joined,
			RequestContext: events.LambdaFunctionURLRequestContext{AccountID: "anonymous", RequestID: "hostile-url",
				DomainName: "abcdefghijklmnop.lambda-url.ap-northeast-1.on.aws", APIID: "abcdefghijklmnop",
				HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{Method: r.Method, Path: r.Path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9"}},
			Body: body, IsBase64Encoded: b64}
	case lambdaALB:
		// ALB passes query names and values on percent-encoded, as sent;
		// a repeated name needs the target group's multi-value mode.
		alb := events.ALBTargetGroupRequest{HTTPMethod: r.Method, Path: r.Path,
			RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{
				TargetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/cos-signer/0123456789abcdef"}},
			Body: body, IsBase64Encoded: b64}
		repeated := false
		for _, vs := range multi {
			repeated = repeated || len(vs) > 1
		}
		if repeated {
			alb.MultiValueQueryStringParameters, alb.MultiValueHeaders = map[string][]string{}, map[string][]string{}
			for k, vs := range multi {
				for _, v := range vs {
					alb.MultiValueQueryStringParameters[url.QueryEscape(k)] = append(alb.MultiValueQueryStringParameters[url.QueryEscape(k)], url.QueryEscape(v))
				}
			}
			for k, v := range lower {
				alb.MultiValueHeaders[k] = []string{v}
			}
		} else {
			alb.QueryStringParameters, alb.Headers = map[string]string{}, lower
			for k, v := range single {
				alb.QueryStringParameters[url.QueryEscape(k)] = url.QueryEscape(v)
			}
		}
		ev = alb
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// lambdaBuilder builds the handler the lambda main gives lambda.Start and
// runs each event through lambda.NewHandler, as lambda.Start does.
func lambdaBuilder(p hostiletest.Platform) hostiletest.Builder {
	return func(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.Server {
		h, err := newHandler(getenv, opts)
		require.NoError(t, err)
		lh := lambda.NewHandler(h.handle)
		return func(t testing.TB, r hostiletest.Request) hostiletest.Response {
			ev := lambdaEventOf(p, r)
			require.Equal(t, map[hostiletest.Platform]trigger{lambdaRESTv1: restAPI, lambdaHTTPv2: httpAPI, lambdaURL: functionURL, lambdaALB: alb}[p],
				triggerOf(ev), "the event is told as its trigger")
			out, err := lh.Invoke(lambdaContext("hostile-ctx"), ev)
			require.NoError(t, err, "an HTTP event never fails the invocation")
			read := eventtest.LambdaResponse
			if p == lambdaALB {
				read = eventtest.ALBResponse
			}
			a, err := read(out)
			require.NoError(t, err, "response: %s", out)
			return hostiletest.Response{Status: a.Status, Header: a.Headers, Body: a.Body}
		}
	}
}

func TestHostileRESTv1(t *testing.T)      { hostiletest.Run(t, lambdaRESTv1, lambdaBuilder(lambdaRESTv1)) }
func TestHostileHTTPv2(t *testing.T)      { hostiletest.Run(t, lambdaHTTPv2, lambdaBuilder(lambdaHTTPv2)) }
func TestHostileFunctionURL(t *testing.T) { hostiletest.Run(t, lambdaURL, lambdaBuilder(lambdaURL)) }
func TestHostileALB(t *testing.T)         { hostiletest.Run(t, lambdaALB, lambdaBuilder(lambdaALB)) }

// lambdaDirect is a direct invocation (lambda invoke / Step Functions): a
// failure reaches Lambda as {errorType: code, errorMessage: message}.
var lambdaDirect = hostiletest.Platform{Name: "lambda-direct"}

func lambdaDirectBuilder(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.DirectServer {
	h, err := newHandler(getenv, opts)
	require.NoError(t, err)
	lh := lambda.NewHandler(h.handle)
	return func(t testing.TB, event []byte) hostiletest.DirectResult {
		require.Equal(t, direct, triggerOf(event))
		out, err := lh.Invoke(lambdaContext("hostile-direct"), event)
		if err != nil {
			ive, ok := err.(messages.InvokeResponse_Error)
			require.True(t, ok, "a failure is a messages.InvokeResponse_Error value, got %T", err)
			return hostiletest.DirectResult{Failed: true, Code: ive.Type, Message: ive.Message}
		}
		return hostiletest.DirectResult{Answer: out}
	}
}

func TestHostileDirect(t *testing.T) { hostiletest.RunDirect(t, lambdaDirect, lambdaDirectBuilder) }
