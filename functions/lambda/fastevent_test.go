package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// sameRequests requires the adapter's reader (fast pass, encoding/json
// fallback) and the encoding/json reference to agree on raw, read as each
// of the four HTTP event types: the same service.Request or the same error.
func sameRequests(t *testing.T, raw []byte) {
	t.Helper()
	ctx := lambdaContext("fast")
	type read func(context.Context, []byte) (*service.Request, error)
	alb := func(f func(context.Context, []byte) (*service.Request, bool, error)) read {
		return func(ctx context.Context, b []byte) (*service.Request, error) {
			r, multi, err := f(ctx, b)
			if r != nil && multi {
				r.Header["(multi)"] = "yes"
			}
			return r, err
		}
	}
	for name, pair := range map[string][2]read{
		"rest-v1":      {fromRESTv1, referenceRESTv1},
		"http-v2":      {fromHTTPv2, referenceHTTPv2},
		"function-url": {fromFunctionURL, referenceFunctionURL},
		"alb":          {alb(fromALB), alb(referenceALB)},
	} {
		got, gotErr := pair[0](ctx, raw)
		want, wantErr := pair[1](ctx, raw)
		if wantErr != nil {
			require.Error(t, gotErr, "%s: %q", name, raw)
			require.Equal(t, wantErr.Error(), gotErr.Error(), "%s: %q", name, raw)
			continue
		}
		require.NoError(t, gotErr, "%s: %q", name, raw)
		require.Equal(t, want, got, "%s: %q", name, raw)
	}
}

func fastSeeds(t testing.TB) [][]byte {
	seeds := lambdaSeeds(t)
	for _, s := range []string{
		`{"headers":{"a":"1","a":"2"},"Headers":{"b":"3"}}`, `{"path":"/a","path":"/b"}`, `{"PATH":"/auth"}`,
		`{"p\u0061th":"/auth"}`, `{"headers":{"\u0041":"x"}}`, `{"headers":{"a":null,"b":"\u00e9\ud800"}}`,
		`{"multiValueHeaders":{"a":["1",null],"b":null,"c":[]}}`, `{"cookies":["a=1",null],"cookies2":1}`,
		`{"isBase64Encoded":null,"body":null}`, `{"requestContext":null}`, `{"requestContext":{"timeEpoch":1.5}}`,
		`{"requestContext":{"timeEpoch":99999999999999999999}}`, `{"requestContext":{"timeEpoch":-1e3}}`,
		`{"requestContext":{"authorizer":{"jwt":{"claims":{"sub":"a"},"scopes":null}}}}`,
		`{"requestContext":{"authorizer":{"jwt":{"claims":{"sub":1}}}}}`, `{"requestContext":{"authorizer":{"x":[1,{"y":null}]}}}`,
		`{"requestContext":{"authorizer":null,"identity":{"sourceIp":"1.2.3.4"}}}`, `{"requestContext":{"elb":{"targetGroupArn":5}}}`,
		`{"requestContext":{"http":{"method":"GET","method":"POST"}}}`, `{"unknown":{"deep":[[[{"a":"\u0000"}]]]},"ſtageVariables":1}`,
		`{"stageVariables":{"a":1}}`, `{"pathParameters":[]}`, `{"body":"x\u2028\ud83d\ude00"}`, "{\"body\":\"\xff\"}",
		`{"queryStringParameters":{"a":"1"},"multiValueQueryStringParameters":{"a":["1","2"]}}`, ` {"path":"/x"} `,
		"{\"headers\":{\"\xff\":\"x\"},\"multiValueHeaders\":{\"\xfe\":[\"y\"]}}", `{"headers":{"A":"1","a":"2"}}`,
		`{"requestContext":{"elb":{}},"queryStringParameters":{"a+b":"1","a%20b":"2"}}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func TestFastEventReadersMatchEncodingJSON(t *testing.T) {
	for _, raw := range fastSeeds(t) {
		sameRequests(t, raw)
	}
}

// FuzzFastEventReaders is the differential fuzz target of the fast event
// readers: whatever the bytes, each HTTP event reader gives the service.
// Request (or the error) encoding/json's decoding of the events type gives.
func FuzzFastEventReaders(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) { sameRequests(t, raw) })
}

// TestSampleEventsTakeTheFastPath: the fast readers are not silently
// bypassed: every sample HTTP event is read in one pass.
func TestSampleEventsTakeTheFastPath(t *testing.T) {
	for _, c := range eventtest.Load(t, "lambda") {
		name := filepath.Base(c.File)
		var ok bool
		switch {
		case strings.HasPrefix(name, "v1-"):
			_, ok = fastRESTv1(c.Event, &events.APIGatewayProxyRequest{})
		case strings.HasPrefix(name, "v2-"):
			_, ok = fastHTTPv2(c.Event, &events.APIGatewayV2HTTPRequest{})
		case strings.HasPrefix(name, "url-"):
			_, ok = fastFunctionURL(c.Event, &events.APIGatewayV2HTTPRequest{})
		case strings.HasPrefix(name, "alb-"):
			_, ok = fastALB(c.Event, &events.ALBTargetGroupRequest{})
		default:
			continue
		}
		assert.True(t, ok, name)
	}
}

// FuzzFastEventMembers splices fuzzed members into sample events (one at
// the top, one in requestContext and one in its http object), so that the
// fuzzer explores names and values of well-formed events rather than
// mostly broken JSON.
func FuzzFastEventMembers(f *testing.F) {
	bases := []string{"v1-auth.json", "v2-auth.json", "url-presign.json", "alb-mv-presign.json", "v2-presign.json"}
	f.Add(uint8(0), "headers", `{"A":"1"}`, "requestId", `"x"`, "method", `"GET"`)
	f.Add(uint8(1), "Headers", `null`, "authorizer", `{"jwt":{"claims":{"a":"b"},"scopes":["x"]}}`, "sourceIp", `1`)
	f.Add(uint8(2), "cookies", `["a",null]`, "timeEpoch", `1e2`, "path", `"/a\u00e9"`)
	f.Add(uint8(3), "multiValueHeaders", `{"x":["1","2"]}`, "elb", `{}`, "PATH", `"/presign"`)
	f.Add(uint8(4), "queryStringParameters", `{"a":"\ud800"}`, "authorizer", `{"iam":{"userArn":"u"},"lambda":{"k":[1]}}`, "method", `null`)
	var events [][]byte
	for _, b := range bases {
		events = append(events, readEventTB(f, b))
	}
	f.Fuzz(func(t *testing.T, which uint8, k1, v1, k2, v2, k3, v3 string) {
		ev := string(events[int(which)%len(events)])
		member := func(k, v string) string { return appendJSONString(k) + ":" + v + "," }
		ev = strings.Replace(ev, "{", "{"+member(k1, v1), 1)
		ev = strings.Replace(ev, `"requestContext": {`, `"requestContext": {`+member(k2, v2), 1)
		ev = strings.Replace(ev, `"http": {`, `"http": {`+member(k3, v3), 1)
		sameRequests(t, []byte(ev))
	})
}

func appendJSONString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
