package e2e

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// invoker is a started SCF or Lambda binary.
type invoker interface {
	Invoke(ctx context.Context, event []byte) ([]byte, error)
	Log() string
}

// runEvents sends every sample event in dir (a platform's name, or a path
// ending in one) to one running process (instances are reused across
// events on the platforms too) and checks each answer.
func runEvents(t *testing.T, dir string, inv invoker) {
	ctx := context.Background()
	cases := eventtest.Load(t, dir)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			payload, err := inv.Invoke(ctx, c.Event)
			if fe, ok := runtimeharness.AsFunctionError(err); ok {
				eventtest.CheckInvokeError(t, c.Platform, c.Expect, eventtest.InvokeFailure{Type: fe.Type, Message: fe.Message})
				return
			}
			require.NoError(t, err, "the harness failed, not the function")
			require.False(t, c.Expect.InvokeError, "the invocation must fail, but answered %s", payload)
			a, err := c.Answer(payload)
			require.NoError(t, err, "response %s", payload)
			eventtest.CheckAnswer(t, c.Expect, a)
		})
	}
}

// checkLogIsClean asserts that the function logged and leaked no secret.
func checkLogIsClean(t *testing.T, log string, env map[string]string) {
	t.Helper()
	assert.Contains(t, log, `"requestId"`, "one structured line per request")
	for _, name := range []string{"COS_SECRET_KEY", "COS_SESSION_TOKEN", "AUTH_JWT_SECRET"} {
		if v := env[name]; v != "" {
			assert.NotContains(t, log, v, "%s leaked into the log", name)
		}
	}
	assert.NotContains(t, log, "q-signature=")
	assert.NotContains(t, strings.ToLower(log), "q-sign-algorithm=sha1&")
}

func TestEverySCFEventThroughTheRealBinary(t *testing.T) {
	env := eventtest.Env(t)
	s, err := runtimeharness.StartSCF(context.Background(), scfBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer s.Close()
	runEvents(t, "scf", s)
	s.Close()
	checkLogIsClean(t, s.Log(), env)
}

func TestEveryLambdaEventThroughTheRealBootstrap(t *testing.T) {
	env := eventtest.Env(t)
	l, err := runtimeharness.StartLambda(context.Background(), lambdaBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer l.Close()
	runEvents(t, "lambda", l)
	l.Close()
	checkLogIsClean(t, l.Log(), env)
}

// TestEveryGatewayEventThroughTheRealBootstrap: behind an API Gateway
// authorizer (events/gateway: AUTH_MODE=gateway, keys under users/{sub}/),
// the caller the authorizer verified signs in their own folder and nowhere
// else, and a request without an authorizer gets 401.
func TestEveryGatewayEventThroughTheRealBootstrap(t *testing.T) {
	env := eventtest.GatewayEnv(t)
	l, err := runtimeharness.StartLambda(context.Background(), lambdaBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer l.Close()
	runEvents(t, eventtest.Dir(t, "gateway", "lambda"), l)
	l.Close()
	checkLogIsClean(t, l.Log(), env)
}

func TestEveryWebEventThroughTheRealServer(t *testing.T) {
	env := eventtest.Env(t)
	w, err := runtimeharness.StartWeb(context.Background(), webBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer w.Close()
	cases := eventtest.Load(t, "web")
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			req, err := eventtest.ParseWebRequest(c.Event)
			require.NoError(t, err)
			hreq, err := req.NewHTTPRequest(w.URL)
			require.NoError(t, err)
			resp, err := w.Client.Do(hreq)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			eventtest.CheckAnswer(t, c.Expect, eventtest.HTTPAnswer(resp.StatusCode, resp.Header, body))
		})
	}
	w.Close()
	checkLogIsClean(t, w.Log(), env)
}
