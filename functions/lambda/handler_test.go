package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	lh := lambda.NewHandler(newTestHandler(t))
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
			k := kindOf(c.Event)
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
		assert.True(t, seen[want], "no sample event for %q, or its kind was told wrong", want)
	}
}

func TestKindOf(t *testing.T) {
	for file, want := range map[string]kind{
		"v1-auth.json": kindRESTv1, "v2-auth.json": kindHTTPv2, "url-auth.json": kindFunctionURL,
		"alb-auth.json": kindALB, "alb-mv-auth.json": kindALB, "direct-auth.json": kindDirect,
	} {
		assert.Equal(t, want, kindOf(readEvent(t, file)), file)
	}
	// aws-lambda-go's own samples.
	mod := filepath.Join(os.Getenv("GOMODCACHE"), "github.com/aws/aws-lambda-go@v1.55.1/events/testdata")
	if os.Getenv("GOMODCACHE") == "" {
		home, _ := os.UserHomeDir()
		mod = filepath.Join(home, "go/pkg/mod/github.com/aws/aws-lambda-go@v1.55.1/events/testdata")
	}
	for file, want := range map[string]kind{
		"apigw-request.json": kindRESTv1, "apigw-v2-request-jwt-authorizer.json": kindHTTPv2,
		"lambda-urls-request.json": kindFunctionURL, "alb-lambda-target-request-headers-only.json": kindALB,
	} {
		b, err := os.ReadFile(filepath.Join(mod, file))
		if err != nil {
			t.Logf("skipping %s: %v", file, err)
			continue
		}
		assert.Equal(t, want, kindOf(b), file)
	}
	assert.Equal(t, kindDirect, kindOf([]byte(`[1,2]`)))
	assert.Equal(t, kindDirect, kindOf([]byte(`{"action":"presign","key":"a"}`)))
	assert.Equal(t, kindHTTPv2, kindOf([]byte(`{"version":"2.0","routeKey":"GET /x","requestContext":{"domainName":"a.lambda-url.x.on.aws"}}`)),
		"a named route is an HTTP API even on a custom domain that looks like a URL")
}

func TestRequestMapping(t *testing.T) {
	ctx := lambdaContext("ctx-id")
	r, err := fromRESTv1(ctx, readEvent(t, "v1-download-multi-query.json"))
	require.NoError(t, err)
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"], "multiValueQueryStringParameters win")
	assert.Equal(t, "GET", r.Method)
	assert.Equal(t, "/download", r.Path)
	assert.Equal(t, "203.0.113.24", r.SourceIP)
	assert.NotEqual(t, "ctx-id", r.RequestID, "requestContext.requestId comes first")
	assert.Equal(t, "acme", r.Authorizer["tenant"], "the REST authorizer context is passed on")
	assert.Contains(t, r.Header, "user-agent", "names are lower-cased")

	r, err = fromHTTPv2(ctx, readEvent(t, "v2-download-multi-query.json"))
	require.NoError(t, err)
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"], "rawQueryString keeps repeated names apart")
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"])
	assert.Equal(t, "session=not-a-real-session", r.Header["cookie"])
	assert.Equal(t, map[string]any{"jwt": map[string]any{
		"claims": map[string]string{"sub": "user-42", "iss": "https://auth.example.com/", "aud": "cos-signer", "exp": "1795377600", "iat": "1795374000"},
		"scopes": []string{"cos:sign"}}}, r.Authorizer, "the JWT authorizer's claims and scopes as aws-lambda-go gives them")

	r, err = fromHTTPv2(ctx, []byte(`{"version":"2.0","rawPath":"/auth","requestContext":{"http":{"method":"POST"},"authorizer":{"lambda":{"userId":"u-1"}}}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"lambda": map[string]any{"userId": "u-1"}}, r.Authorizer)
	assert.Equal(t, "ctx-id", r.RequestID, "no requestContext.requestId: the Lambda request id")

	r, err = fromFunctionURL(ctx, readEvent(t, "url-auth-base64.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"method":"GET","key":"public/photos/cat.jpg"}`, string(r.Body), "the base64 body is decoded")
	assert.Nil(t, r.Authorizer)

	r, multi, err := fromALB(ctx, readEvent(t, "alb-mv-download-multi-query.json"))
	require.NoError(t, err)
	assert.True(t, multi)
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"], "ALB query values are percent-decoded")
	assert.Equal(t, []string{"mp", "share"}, r.Query["utm_source"])
	assert.Equal(t, "ctx-id", r.RequestID)
	assert.Equal(t, "203.0.113.24", r.SourceIP)

	r, multi, err = fromALB(ctx, readEvent(t, "alb-download-multi-query.json"))
	require.NoError(t, err)
	assert.False(t, multi)
	assert.Equal(t, []string{"public/docs/guide v2.pdf"}, r.Query["key"])
}

func TestALBAnswersInTheEventsHeaderMode(t *testing.T) {
	lh := lambda.NewHandler(newTestHandler(t))
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
	lh := lambda.NewHandler(newTestHandler(t))
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

func FuzzLambdaEvent(f *testing.F) {
	for _, c := range eventtest.Load(f, "lambda") {
		f.Add(c.Event)
	}
	lh := lambda.NewHandler(newTestHandler(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := lh.Invoke(lambdaContext("fuzz"), b)
		if err != nil || kindOf(b) == kindDirect {
			return
		}
		a, err := eventtest.LambdaResponse(out)
		require.NoError(t, err, "%s", out)
		assert.True(t, a.Status >= 200 && a.Status < 600, "status %d", a.Status)
	})
}

// FuzzKindOf holds the one-pass kindOf to the encoding/json reference on
// every valid JSON input (the runtime hands the handler nothing else).
func FuzzKindOf(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(eventtest.Dir(f, "lambda"), "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{"requestContext":{"elb":{}},"requestContext":{"domainName":"a.lambda-url.b"},"routeKey":null}`,
		`{"VERSION":1,"requestcontext":{"DomainName":"x.lambda-url.y"}}`, `{"requestContext":null,"httpMethod":null}`,
		`{"requestContext":{"elb":{}},"requestContext":{"elb":null}}`, `{"requestContext":"x","resource":1}`,
		`{"rout\u0065Key":"$default","requestContext":{"domainName":"a.lambda-url.b"}}`, `null`, `[]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := kindOf(b)
		if json.Valid(b) {
			assert.Equal(t, kindOfReference(b), got, "%q", b)
		}
	})
}
