package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

// The two SCF HTTP triggers the hostile table runs through.
var (
	scfAPIGateway  = hostiletest.Platform{Name: "scf-apigw", Base64: true}
	scfFunctionURL = hostiletest.Platform{Name: "scf-url", Base64: true}
)

// hostileAPIGWEvent is scf-go-lib's API-gateway event plus the
// isBase64Encoded flag it leaves out.
type hostileAPIGWEvent struct {
	events.APIGatewayRequest
	IsBase64Encoded bool `json:"isBase64Encoded"`
}

// hostileURLEvent is the Function URL event: the gateway event's fields
// without requestContext.
type hostileURLEvent struct {
	Headers         map[string]string            `json:"headers"`
	Method          string                       `json:"httpMethod"`
	Path            string                       `json:"path"`
	QueryString     events.APIGatewayQueryString `json:"queryString"`
	Body            string                       `json:"body"`
	IsBase64Encoded bool                         `json:"isBase64Encoded,omitempty"`
}

func scfEventOf(p hostiletest.Platform, r hostiletest.Request) []byte {
	body, b64 := r.BodyOn(p)
	h := map[string]string{}
	for k, v := range r.Header {
		h[k] = v
	}
	q := events.APIGatewayQueryString{}
	for k, vs := range r.Query {
		q[k] = vs
	}
	var ev any
	if p == scfFunctionURL {
		h["x-scf-remote-addr"] = "203.0.113.9"
		ev = hostileURLEvent{Headers: h, Method: r.Method, Path: r.Path, QueryString: q, Body: body, IsBase64Encoded: b64}
	} else {
		ev = hostileAPIGWEvent{APIGatewayRequest: events.APIGatewayRequest{Headers: h, Method: r.Method, Path: "/release" + r.Path,
			QueryString: q, Body: body, Context: events.APIGatewayRequestContext{ServiceID: "service-hostile",
				RequestID: "hostile-apigw-1", Method: "ANY", Path: "/{proxy+}", SourceIP: "203.0.113.9", Stage: "release"}},
			IsBase64Encoded: b64}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// scfBuilder builds the handler the scf main gives cloudfunction.Start
// and runs each case's event bytes through it, as scf-go-lib does.
func scfBuilder(p hostiletest.Platform) hostiletest.Builder {
	return func(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.Server {
		h, err := newHandler(getenv, opts)
		require.NoError(t, err)
		return func(t testing.TB, r hostiletest.Request) hostiletest.Response {
			out, err := h.invoke(scfContext("hostile-ctx"), scfEventOf(p, r))
			require.NoError(t, err, "an HTTP event never fails the invocation")
			a, err := eventtest.SCFResponse(out)
			require.NoError(t, err, "response: %s", out)
			return hostiletest.Response{Status: a.Status, Header: a.Headers, Body: a.Body}
		}
	}
}

func TestHostileAPIGateway(t *testing.T) {
	hostiletest.Run(t, scfAPIGateway, scfBuilder(scfAPIGateway))
}
func TestHostileFunctionURL(t *testing.T) {
	hostiletest.Run(t, scfFunctionURL, scfBuilder(scfFunctionURL))
}

// scfDirect is a direct invocation of the SCF function (no trigger): what
// reaches SCF of a failure is the error's text, "Code: message".
var scfDirect = hostiletest.Platform{Name: "scf-direct"}

func scfDirectBuilder(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.DirectServer {
	h, err := newHandler(getenv, opts)
	require.NoError(t, err)
	return func(t testing.TB, event []byte) hostiletest.DirectResult {
		out, err := h.invoke(scfContext("hostile-direct"), event)
		if err != nil {
			code, msg, ok := strings.Cut(err.Error(), ": ")
			require.True(t, ok, "a failure reads \"Code: message\", got %q", err.Error())
			return hostiletest.DirectResult{Failed: true, Code: code, Message: msg}
		}
		return hostiletest.DirectResult{Answer: out}
	}
}

func TestHostileDirect(t *testing.T) { hostiletest.RunDirect(t, scfDirect, scfDirectBuilder) }
