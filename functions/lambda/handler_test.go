package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

var fixedNow = time.Unix(1795374000, 0)

func newTestHandler(t testing.TB) *handler {
	t.Helper()
	h, err := newHandler(eventtest.Getenv(eventtest.Env(t)), service.Options{
		Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "test"})
	require.NoError(t, err)
	return h
}

func lambdaContext(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id,
		InvokedFunctionArn: "arn:aws:lambda:ap-northeast-1:123456789012:function:cos-signer"})
}

func readEvent(t *testing.T, name string) []byte { return readEventTB(t, name) }

func readEventTB(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventtest.Dir(t, "lambda"), name))
	require.NoError(t, err)
	return b
}

// TestSampleEvents runs every events/lambda event through lambda.NewHandler
// with the handler as main gives it to lambda.Start.
func TestSampleEvents(t *testing.T) {
	lh := lambda.NewHandler(newTestHandler(t).handle)
	seen := map[string]bool{}
	for _, c := range eventtest.Load(t, "lambda") {
		t.Run(c.Name, func(t *testing.T) {
			out, err := lh.Invoke(lambdaContext("lambda-"+filepath.Base(c.File)), c.Event)
			if c.Expect.InvokeError {
				require.Error(t, err, "the invocation must fail")
				// What aws-lambda-go's invoke loop passes through as is.
				ive, ok := err.(messages.InvokeResponse_Error)
				require.True(t, ok, "the error must be a messages.InvokeResponse_Error value, got %T", err)
				eventtest.CheckInvokeError(t, "lambda", c.Expect, eventtest.InvokeFailure{Type: ive.Type, Message: ive.Message})
				return
			}
			require.NoError(t, err)
			a, err := c.Answer(out)
			require.NoError(t, err, "response: %s", out)
			eventtest.CheckAnswer(t, c.Expect, a)
			k := triggerOf(c.Event)
			if a.Status >= 400 {
				// The gateway's request id, else Lambda's (ALB has none).
				var ev struct {
					RequestContext struct {
						RequestID string `json:"requestId"`
					} `json:"requestContext"`
				}
				require.NoError(t, json.Unmarshal(c.Event, &ev))
				want := ev.RequestContext.RequestID
				if want == "" {
					want = "lambda-" + filepath.Base(c.File)
				}
				var e struct {
					Error struct {
						RequestID string `json:"requestId"`
					} `json:"error"`
				}
				require.NoError(t, json.Unmarshal(a.Body, &e))
				assert.Equal(t, want, e.Error.RequestID)
			}
			prefix := strings.SplitN(filepath.Base(c.File), "-", 2)[0]
			if prefix == "alb" && strings.HasPrefix(filepath.Base(c.File), "alb-mv-") {
				prefix = "alb-mv"
			}
			seen[prefix+" "+k.String()] = true
		})
	}
	for _, want := range []string{"v1 rest-v1", "v2 http-v2", "url function-url", "alb alb", "alb-mv alb", "direct direct"} {
		assert.True(t, seen[want], "no sample event for %q, or its trigger was told wrong", want)
	}
}

func TestTriggerOf(t *testing.T) {
	for file, want := range map[string]trigger{
		"v1-auth.json": restAPI, "v2-auth.json": httpAPI, "url-auth.json": functionURL,
		"alb-auth.json": alb, "alb-mv-auth.json": alb, "direct-auth.json": direct,
	} {
		assert.Equal(t, want, triggerOf(readEvent(t, file)), file)
	}
	// aws-lambda-go's own samples.
	mod := filepath.Join(os.Getenv("GOMODCACHE"), "github.com/aws/aws-lambda-go@v1.55.1/events/testdata")
	if os.Getenv("GOMODCACHE") == "" {
		home, _ := os.UserHomeDir()
		mod = filepath.Join(home, "go/pkg/mod/github.com/aws/aws-lambda-go@v1.55.1/events/testdata")
	}
	for file, want := range map[string]trigger{
		"apigw-request.json": restAPI, "apigw-v2-request-jwt-authorizer.json": httpAPI,
		"lambda-urls-request.json": functionURL, "alb-lambda-target-request-headers-only.json": alb,
	} {
		b, err := os.ReadFile(filepath.Join(mod, file))
		if err != nil {
			t.Logf("skipping %s: %v", file, err)
			continue
		}
		assert.Equal(t, want, triggerOf(b), file)
	}
	assert.Equal(t, direct, triggerOf([]byte(`[1,2]`)))
	assert.Equal(t, direct, triggerOf([]byte(`{"action":"presign","key":"a"}`)))
	assert.Equal(t, httpAPI, triggerOf([]byte(`{"version":"2.0","routeKey":"GET /x","requestContext":{"domainName":"a.lambda-url.x.on.aws"}}`)),
		"a named route is an HTTP API even on a custom domain that looks like a URL")
	assert.Equal(t, direct, triggerOf([]byte(`{"requestContext":"x","resource":1}`)), "requestContext not an object: no HTTP trigger sends that")
	assert.Equal(t, alb, triggerOf([]byte(`{"requestContext":{"elb":{}},"requestContext":{"domainName":"a"}}`)), "a repeated requestContext merges, as encoding/json merges it")
	assert.Equal(t, restAPI, triggerOf([]byte(`{"requestContext":{"elb":null},"httpMethod":"GET"}`)))
}

// mapEvent decodes raw as the trigger's type and maps it to a request.
func mapEvent[E any](t *testing.T, raw []byte, toRequest func(context.Context, *E) (*service.Request, error)) *service.Request {
	t.Helper()
	var ev E
	require.NoError(t, json.Unmarshal(raw, &ev))
	r, err := toRequest(lambdaContext("ctx-id"), &ev)
	require.NoError(t, err)
	return r
}

func TestRequestMapping(t *testing.T) {
	r := mapEvent(t, readEvent(t, "v1-download-multi-query.json"), restAPIRequest)
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"], "multiValueQueryStringParameters win")
	assert.Equal(t, "GET", r.Method)
	assert.Equal(t, "/download", r.Path)
	assert.Equal(t, "203.0.113.24", r.SourceIP)
	assert.NotEqual(t, "ctx-id", r.RequestID, "requestContext.requestId comes first")
	assert.Equal(t, "acme", r.Authorizer["tenant"], "the REST authorizer context is passed on")
	assert.Contains(t, r.Header, "user-agent", "names are lower-cased")

	r = mapEvent(t, readEvent(t, "v2-download-multi-query.json"), httpAPIRequest)
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"], "rawQueryString keeps repeated names apart")
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"])
	assert.Equal(t, "session=not-a-real-session", r.Header["cookie"])
	assert.Equal(t, map[string]any{"jwt": map[string]any{
		"claims": map[string]string{"sub": "user-42", "iss": "https://auth.example.com/", "aud": "cos-signer", "exp": "1795377600", "iat": "1795374000"},
		"scopes": []string{"cos:sign"}}}, r.Authorizer, "the JWT authorizer's claims and scopes as aws-lambda-go gives them")

	r = mapEvent(t, []byte(`{"version":"2.0","rawPath":"/auth","requestContext":{"http":{"method":"POST"},"authorizer":{"lambda":{"userId":"u-1"}}}}`), httpAPIRequest)
	assert.Equal(t, map[string]any{"lambda": map[string]any{"userId": "u-1"}}, r.Authorizer)
	assert.Equal(t, "ctx-id", r.RequestID, "no requestContext.requestId: the Lambda request id")

	r = mapEvent(t, readEvent(t, "url-auth-base64.json"), functionURLRequest)
	assert.JSONEq(t, `{"method":"GET","key":"public/photos/cat.jpg"}`, string(r.Body), "the base64 body is decoded")
	assert.Nil(t, r.Authorizer)
	r = mapEvent(t, []byte(`{"rawPath":"/auth","requestContext":{"authorizer":{"iam":{"userArn":"arn:u"}}},"headers":{"X-A":"1","x-a":"2"}}`), functionURLRequest)
	assert.Equal(t, "arn:u", r.Authorizer["iam"].(map[string]any)["userArn"])
	assert.Equal(t, map[string]string{"x-a": "2"}, r.Header, "of names alike once lower-cased, the byte-wise greatest wins")

	r = mapEvent(t, readEvent(t, "alb-mv-download-multi-query.json"), albRequest)
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"], "ALB query values are percent-decoded")
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"])
	assert.Equal(t, "ctx-id", r.RequestID)
	assert.Equal(t, "203.0.113.24", r.SourceIP)

	r = mapEvent(t, readEvent(t, "alb-download-multi-query.json"), albRequest)
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"])
	r = mapEvent(t, []byte(`{"queryStringParameters":{"a+b":"1","a%20b":"2"}}`), albRequest)
	assert.Equal(t, []string{"2", "1"}, r.Query["a b"], "names that unescape alike keep the raw names' sorted order")
}

func TestALBAnswersInTheEventsHeaderMode(t *testing.T) {
	lh := lambda.NewHandler(newTestHandler(t).handle)
	for file, multi := range map[string]bool{"alb-mv-healthz.json": true, "alb-healthz.json": false} {
		out, err := lh.Invoke(lambdaContext("x"), readEvent(t, file))
		require.NoError(t, err)
		var resp map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(out, &resp))
		assert.JSONEq(t, `"200 OK"`, string(resp["statusDescription"]), file)
		if multi {
			assert.NotEqual(t, "null", string(resp["multiValueHeaders"]), file)
		} else {
			assert.NotEqual(t, "null", string(resp["headers"]), file)
		}
	}
}

func TestBadEvents(t *testing.T) {
	lh := lambda.NewHandler(newTestHandler(t).handle)
	for name, ev := range map[string]string{
		"v1 bad base64":   `{"resource":"/{proxy+}","httpMethod":"POST","path":"/auth","isBase64Encoded":true,"body":"%%%"}`,
		"v2 headers list": `{"version":"2.0","rawPath":"/healthz","headers":["a"],"requestContext":{"http":{"method":"GET"}}}`,
		"alb query type":  `{"requestContext":{"elb":{"targetGroupArn":"x"}},"httpMethod":"GET","path":"/healthz","queryStringParameters":{"a":1}}`,
	} {
		out, err := lh.Invoke(lambdaContext("bad"), []byte(ev))
		require.NoError(t, err, name)
		a, err := eventtest.LambdaResponse(out)
		require.NoError(t, err, name)
		assert.Equal(t, 400, a.Status, name)
		assert.Contains(t, string(a.Body), `"InvalidEvent"`, name)
		assert.NotContains(t, string(a.Body), "%%%", name)
	}
	_, err := lh.Invoke(lambdaContext("bad"), []byte(`"a string"`))
	ive, ok := err.(messages.InvokeResponse_Error)
	require.True(t, ok, "%T", err)
	assert.Equal(t, "InvalidJSON", ive.Type)
}

func TestInvokeFailureIsPassedThroughByAwsLambdaGo(t *testing.T) {
	err := invokeFailure(&service.InvokeError{Status: 403, Code: "KeyNotAllowed", Message: "key is outside the allowed prefixes"})
	// lambda/errors.go: `if ive, ok := invokeError.(messages.InvokeResponse_Error); ok { return &ive }`.
	ive, ok := err.(messages.InvokeResponse_Error)
	require.True(t, ok)
	assert.Equal(t, messages.InvokeResponse_Error{Type: "KeyNotAllowed", Message: "key is outside the allowed prefixes"}, ive)
	var asPointer error = &messages.InvokeResponse_Error{Type: "KeyNotAllowed"}
	_, ok = asPointer.(messages.InvokeResponse_Error)
	assert.False(t, ok, "a pointer would be reported as type InvokeResponse_Error instead")
	other := errors.New("boom")
	assert.Equal(t, other, invokeFailure(other))
}

// FuzzEventRequest: whatever the bytes, each trigger's mapping, on what
// encoding/json decodes of them, gives a request that says what the event
// says (method, path, body with base64 undone, every header under its
// lower-cased name) or, only for a body that is not base64, a readable
// error; the whole door answers it with the trigger's response type.
func FuzzEventRequest(f *testing.F) {
	for _, c := range eventtest.Load(f, "lambda") {
		f.Add(c.Event)
	}
	for _, s := range []string{`{"headers":{"a":"1","a":"2"},"Headers":{"b":"3"}}`, `{"PATH":"/auth"}`, `{"headers":{"A":"1","a":"2"}}`,
		`{"multiValueHeaders":{"a":["1",null],"b":null,"c":[]}}`, `{"cookies":["a=1",null]}`, `{"isBase64Encoded":true,"body":"%%%"}`,
		`{"requestContext":{"authorizer":{"jwt":{"claims":{"sub":"a"},"scopes":null}}}}`, `{"requestContext":{"authorizer":{"x":[1,{"y":null}]}}}`,
		`{"requestContext":{"elb":{}},"queryStringParameters":{"a+b":"1","a%20b":"2","%zz":"%"}}`, "{\"body\":\"\xff\"}",
		`{"version":"2.0","rawQueryString":"a=1&a=2;b","queryStringParameters":{"a":"1,2"}}`} {
		f.Add([]byte(s))
	}
	lh := lambda.NewHandler(newTestHandler(f).handle)
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkMapping(t, raw, restAPIRequest, func(e *events.APIGatewayProxyRequest) eventParts {
			return eventParts{e.HTTPMethod, e.Path, e.Body, e.IsBase64Encoded, e.Headers, e.MultiValueHeaders}
		})
		checkMapping(t, raw, httpAPIRequest, func(e *events.APIGatewayV2HTTPRequest) eventParts {
			return eventParts{e.RequestContext.HTTP.Method, orElse(e.RawPath, e.RequestContext.HTTP.Path), e.Body, e.IsBase64Encoded, e.Headers, nil}
		})
		checkMapping(t, raw, functionURLRequest, func(e *events.LambdaFunctionURLRequest) eventParts {
			return eventParts{e.RequestContext.HTTP.Method, orElse(e.RawPath, e.RequestContext.HTTP.Path), e.Body, e.IsBase64Encoded, e.Headers, nil}
		})
		checkMapping(t, raw, albRequest, func(e *events.ALBTargetGroupRequest) eventParts {
			return eventParts{e.HTTPMethod, e.Path, e.Body, e.IsBase64Encoded, e.Headers, e.MultiValueHeaders}
		})
		out, err := lh.Invoke(lambdaContext("fuzz"), raw)
		if err != nil || triggerOf(raw) == direct {
			return
		}
		read := eventtest.LambdaResponse
		if triggerOf(raw) == alb {
			read = eventtest.ALBResponse
		}
		a, err := read(out)
		require.NoError(t, err, "%s", out)
		assert.True(t, a.Status >= 200 && a.Status < 600, "status %d", a.Status)
	})
}

// eventParts is what every trigger's event says the same way.
type eventParts struct {
	method, path, body string
	b64                bool
	single             map[string]string
	multi              map[string][]string
}

func checkMapping[E any](t *testing.T, raw []byte, toRequest func(context.Context, *E) (*service.Request, error), parts func(*E) eventParts) {
	t.Helper()
	var ev E
	if json.Unmarshal(raw, &ev) != nil {
		return
	}
	p := parts(&ev)
	r, err := toRequest(lambdaContext("fuzz"), &ev)
	if err != nil {
		require.True(t, p.b64, "only a base64 body can fail the mapping: %v", err)
		require.Equal(t, "the event's body is marked isBase64Encoded but is not base64", err.Error())
		return
	}
	assert.Equal(t, p.method, r.Method)
	assert.Equal(t, p.path, r.Path)
	want := []byte(p.body)
	if p.b64 {
		want, _ = base64.StdEncoding.DecodeString(p.body)
	}
	assert.Equal(t, string(want), string(r.Body))
	assert.NotEmpty(t, r.RequestID, "the event's request id or Lambda's")
	for k := range r.Header {
		assert.Equal(t, strings.ToLower(k), k, "header names are lower-case")
	}
	if len(p.multi) > 0 {
		for k := range p.multi {
			assert.Contains(t, r.Header, strings.ToLower(k))
		}
	} else {
		for k := range p.single {
			assert.Contains(t, r.Header, strings.ToLower(k))
		}
	}
}
