package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// TestGatewayAuthorizerReachesTheService runs AUTH_MODE=gateway with keys
// bound to the caller ({sub}): the identity must come from the trigger's
// authorizer context, as each trigger shapes it, and never from the body.
func TestGatewayAuthorizerReachesTheService(t *testing.T) {
	env := eventtest.Env(t)
	env["AUTH_MODE"] = "gateway"
	env["SIGN_ALLOW_ANONYMOUS_WRITES"] = "false"
	env["SIGN_KEY_PREFIXES"] = "users/{sub}/"
	h, err := newHandler(eventtest.Getenv(env), service.Options{Now: func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.NoError(t, err)
	lh := lambda.NewHandler(h.handle)

	const body = `"body":"{\"method\":\"PUT\",\"key\":\"users/user-42/a.txt\"}"`
	for name, tc := range map[string]struct {
		event  string
		status int
	}{
		"v2 jwt": {`{"version":"2.0","routeKey":"POST /presign","rawPath":"/presign","requestContext":{"requestId":"r1","http":{"method":"POST"},
			"authorizer":{"jwt":{"claims":{"sub":"user-42"},"scopes":["cos:sign"]}}},` + body + `}`, 200},
		"v2 jwt, another caller": {`{"version":"2.0","routeKey":"POST /presign","rawPath":"/presign","requestContext":{"requestId":"r2","http":{"method":"POST"},
			"authorizer":{"jwt":{"claims":{"sub":"user-7"}}}},` + body + `}`, 403},
		"v2 lambda authorizer": {`{"version":"2.0","routeKey":"POST /presign","rawPath":"/presign","requestContext":{"requestId":"r3","http":{"method":"POST"},
			"authorizer":{"lambda":{"sub":"user-42"}}},` + body + `}`, 200},
		"v1 authorizer context": {`{"resource":"/{proxy+}","path":"/presign","httpMethod":"POST","requestContext":{"requestId":"r4",
			"authorizer":{"principalId":"user-42"}},` + body + `}`, 200},
		"v2 IAM through a Cognito identity pool": {`{"version":"2.0","routeKey":"POST /presign","rawPath":"/presign","requestContext":{"requestId":"r6","http":{"method":"POST"},
			"authorizer":{"iam":{"userId":"AROAEXAMPLE:CognitoIdentityCredentials","cognitoIdentity":{"identityId":"user-42","identityPoolId":"pool"}}}},` + body + `}`, 200},
		"function URL, IAM": {`{"version":"2.0","routeKey":"$default","rawPath":"/presign","requestContext":{"requestId":"r7",
			"domainName":"x.lambda-url.ap-northeast-1.on.aws","http":{"method":"POST"},"authorizer":{"iam":{"userId":"user-42","userArn":"arn:aws:iam::1:user/a"}}},` + body + `}`, 200},
		"function URL, IAM, another principal": {`{"version":"2.0","routeKey":"$default","rawPath":"/presign","requestContext":{"requestId":"r8",
			"domainName":"x.lambda-url.ap-northeast-1.on.aws","http":{"method":"POST"},"authorizer":{"iam":{"userId":"AIDAOTHER"}}},` + body + `}`, 403},
		"function URL, IAM through a Cognito identity pool: one role session for every user": {`{"version":"2.0","routeKey":"$default","rawPath":"/presign","requestContext":{"requestId":"r9",
			"domainName":"x.lambda-url.ap-northeast-1.on.aws","http":{"method":"POST"},"authorizer":{"iam":{"userId":"AROAEXAMPLE:CognitoIdentityCredentials",
			"userArn":"arn:aws:sts::1:assumed-role/Cognito_PoolUnauth_Role/CognitoIdentityCredentials"}}},` + strings.Replace(body, "user-42", "AROAEXAMPLE:CognitoIdentityCredentials", 1) + `}`, 403},
		"function URL, no authorizer": {`{"version":"2.0","routeKey":"$default","rawPath":"/presign","requestContext":{"requestId":"r5",
			"domainName":"x.lambda-url.ap-northeast-1.on.aws","http":{"method":"POST"}},` + body + `}`, 401},
		"ALB cannot claim an identity": {`{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"POST","path":"/presign",
			"headers":{"x-authorizer":"{\"principalId\":\"user-42\"}"},` + body + `}`, 401},
	} {
		out, err := lh.Invoke(lambdaContext("ctx"), []byte(tc.event))
		require.NoError(t, err, name)
		a, err := eventtest.LambdaResponse(out)
		require.NoError(t, err, name)
		assert.Equal(t, tc.status, a.Status, "%s: %s", name, a.Body)
		if strings.Contains(name, "one role session") {
			assert.Contains(t, string(a.Body), `"IdentityNotUsable"`, name)
		}
	}
}

// TestGatewaySampleEvents runs events/gateway/lambda (AUTH_MODE=gateway,
// keys under users/{sub}/) through lambda.NewHandler: each trigger's
// authorizer names the caller, whose folder is the only one signed for.
func TestGatewaySampleEvents(t *testing.T) {
	h, err := newHandler(eventtest.Getenv(eventtest.GatewayEnv(t)), service.Options{Now: func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "test"})
	require.NoError(t, err)
	lh := lambda.NewHandler(h.handle)
	for _, c := range eventtest.Load(t, eventtest.Dir(t, "gateway", "lambda")) {
		t.Run(c.Name, func(t *testing.T) {
			out, err := lh.Invoke(lambdaContext("gw"), c.Event)
			require.NoError(t, err)
			a, err := c.Answer(out)
			require.NoError(t, err, "response: %s", out)
			eventtest.CheckAnswer(t, c.Expect, a)
		})
	}
}
