package eventtest

// The sample events under events/ are written by this file from one table of
// logical requests, rendered in each trigger's real shape, so that every
// route is exercised on every platform the same way. Regenerate with
//
//	go test ./internal/eventtest -run TestSampleEventsUpToDate -update
//
// Without -update the test fails when a file differs from what the table
// says (hand edits belong in the table).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite events/ from the table in generate_test.go")

const (
	origin     = "https://app.example.com"
	uploadID   = "1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361"
	userAgent  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50"
	sourceIP   = "203.0.113.24"
	defaultExp = 300
)

// kv is an ordered query parameter; flag marks a name without a value
// (SCF's gateway sends it as true).
type kv struct {
	k, v string
	flag bool
}

// logical is one HTTP request and its expected answer, before rendering.
type logical struct {
	name    string
	method  string
	path    string
	query   []kv
	headers map[string]string // besides the common ones
	body    string
	base64  bool // the trigger delivers the body base64-encoded
	browser bool // sent by a browser: Origin, and CORS headers expected
	exp     Expectation
}

func signFor(method, key string, expires int64) *Sign {
	return &Sign{Method: method, Key: key, Expires: expires}
}

var authFields = []string{"authorization", "startTime", "expiredTime", "serverTime", "host", "headers"}
var urlFields = []string{"url", "method", "headers", "startTime", "expiredTime", "serverTime"}

func mustJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func httpCases() []logical {
	jsonHdr := map[string]string{"content-type": "application/json"}
	auth := Expectation{Status: 200, Fields: authFields, Verify: "auth",
		Sign: &Sign{Method: "PUT", Key: "uploads/photo.jpg", Headers: map[string]string{"Content-Type": "image/jpeg"}, Expires: defaultExp}}
	sdk := Expectation{Status: 200, Fields: authFields, Verify: "auth",
		Sign: &Sign{Method: "PUT", Key: "uploads/avatar.png", Headers: map[string]string{"Content-Type": "image/png"}, Expires: defaultExp}}
	presign := Expectation{Status: 200, Fields: urlFields, Verify: "presign",
		Sign: &Sign{Method: "PUT", Key: "uploads/report.pdf", Headers: map[string]string{"Content-Type": "application/pdf"}, Expires: 600}}
	big := strings.Repeat("0123456789abcdef", 320) // 5120 bytes > SIGN_MAX_BODY_BYTES
	part := func(n string) map[string]any {
		return map[string]any{"action": "presign", "method": "PUT", "key": "uploads/videos/holiday.mp4",
			"params": map[string]string{"partNumber": n, "uploadId": uploadID}}
	}
	partSign := func(n string) Expectation {
		return Expectation{Fields: []string{"url", "startTime", "expiredTime"}, Verify: "presign",
			Sign: &Sign{Method: "PUT", Key: "uploads/videos/holiday.mp4", Params: map[string]string{"partNumber": n, "uploadId": uploadID}, Expires: defaultExp}}
	}
	return []logical{
		{name: "auth", method: "POST", path: "/auth", headers: jsonHdr, browser: true, exp: auth,
			body: mustJSON(map[string]any{"method": "PUT", "key": "uploads/photo.jpg", "headers": map[string]string{"Content-Type": "image/jpeg"}})},
		// The options object cos-js-sdk-v5 / cos-wx-sdk-v5 hand to getAuthorization, posted as it is.
		{name: "auth-cos-sdk", method: "POST", path: "/auth", headers: jsonHdr, browser: true, exp: sdk,
			body: mustJSON(map[string]any{"Bucket": "examplebucket-1250000000", "Region": "ap-guangzhou", "Method": "put",
				"Pathname": "/uploads/avatar.png", "Key": "uploads/avatar.png", "Query": map[string]string{},
				"Headers":           map[string]string{"Content-Type": "image/png", "Host": "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"},
				"Scope":             []map[string]string{{"action": "name/cos:PutObject", "bucket": "examplebucket-1250000000", "region": "ap-guangzhou", "prefix": "uploads/avatar.png"}},
				"SystemClockOffset": 0, "ForceSignHost": true})},
		{name: "auth-base64", method: "POST", path: "/auth", headers: jsonHdr, browser: true, base64: true,
			exp:  Expectation{Status: 200, Fields: authFields, Verify: "auth", Sign: signFor("GET", "public/photos/cat.jpg", defaultExp)},
			body: mustJSON(map[string]any{"method": "GET", "key": "public/photos/cat.jpg"})},
		{name: "presign", method: "POST", path: "/presign", headers: jsonHdr, browser: true, exp: presign,
			body: mustJSON(map[string]any{"method": "PUT", "key": "uploads/report.pdf", "expired": 600, "headers": map[string]string{"Content-Type": "application/pdf"}})},
		{name: "presign-get", method: "GET", path: "/presign", browser: true,
			query: []kv{{k: "method", v: "GET"}, {k: "key", v: "public/docs/readme.txt"}, {k: "expired", v: "120"}},
			exp:   Expectation{Status: 200, Fields: urlFields, Verify: "presign", Sign: signFor("GET", "public/docs/readme.txt", 120)}},
		{name: "stage-presign", method: "POST", path: "/release/presign", headers: jsonHdr,
			body: mustJSON(map[string]any{"method": "GET", "key": "public/index.html"}),
			exp:  Expectation{Status: 200, Fields: urlFields, Verify: "presign", Sign: signFor("GET", "public/index.html", defaultExp)}},
		{name: "download", method: "GET", path: "/download", query: []kv{{k: "key", v: "public/photos/cat.jpg"}},
			exp: Expectation{Status: 200, Fields: []string{"url", "startTime", "expiredTime"}, Verify: "download", Sign: signFor("GET", "public/photos/cat.jpg", defaultExp)}},
		{name: "download-redirect", method: "GET", path: "/download", query: []kv{{k: "key", v: "public/photos/cat.jpg"}, {k: "redirect", v: "1"}},
			exp: Expectation{Status: 302, Verify: "download", Sign: signFor("GET", "public/photos/cat.jpg", defaultExp)}},
		// A repeated name and a bare flag: SCF's gateway sends these as an array and true.
		{name: "download-multi-query", method: "GET", path: "/download",
			query: []kv{{k: "key", v: "public/docs/guide v2.pdf"}, {k: "utm_source", v: "mp"}, {k: "utm_source", v: "share"}, {k: "preview", flag: true}},
			exp:   Expectation{Status: 200, Fields: []string{"url", "startTime", "expiredTime"}, Verify: "download", Sign: signFor("GET", "public/docs/guide v2.pdf", defaultExp)}},
		{name: "download-post", method: "POST", path: "/download", headers: jsonHdr,
			body: mustJSON(map[string]any{"key": "public/reports/2026-q3.pdf", "params": map[string]string{"response-content-disposition": `attachment; filename="2026-q3.pdf"`}}),
			exp: Expectation{Status: 200, Fields: []string{"url", "startTime", "expiredTime"}, Verify: "download",
				Sign: &Sign{Method: "GET", Key: "public/reports/2026-q3.pdf", Params: map[string]string{"response-content-disposition": `attachment; filename="2026-q3.pdf"`}, Expires: defaultExp}}},
		{name: "post-policy", method: "POST", path: "/post-policy", headers: jsonHdr, browser: true,
			body: mustJSON(map[string]any{"key": "uploads/avatars/u42.jpg", "contentLength": 48213}), // a POST policy always binds a size
			exp:  Expectation{Status: 200, Fields: []string{"url", "fields", "startTime", "expiredTime"}, Verify: "post-policy", Sign: &Sign{Key: "uploads/avatars/u42.jpg", Expires: defaultExp}}},
		// The part URLs of a multipart upload, and one entry the policy refuses.
		{name: "batch-multipart", method: "POST", path: "/batch", headers: jsonHdr, browser: true,
			body: mustJSON(map[string]any{"requests": []any{part("1"), part("2"), part("3"),
				map[string]any{"action": "presign", "method": "GET", "key": "private/payroll.xlsx"}}}),
			exp: Expectation{Status: 200, Fields: []string{"results"}, Verify: "batch",
				Batch: []Expectation{partSign("1"), partSign("2"), partSign("3"), {Code: "KeyNotAllowed"}}}},
		{name: "healthz", method: "GET", path: "/healthz", exp: Expectation{Status: 200, Fields: []string{"status", "version"}, Verify: "none"}},
		{name: "preflight", method: "OPTIONS", path: "/presign", browser: true,
			headers: map[string]string{"access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization"},
			exp:     Expectation{Status: 204, Verify: "none"}},
		{name: "error-not-found", method: "GET", path: "/signatures", browser: true, exp: Expectation{Status: 404, Code: "UnknownRoute"}},
		{name: "error-bad-json", method: "POST", path: "/presign", headers: jsonHdr, browser: true,
			body: `{"method": "PUT", "key": "uploads/a.txt",`, exp: Expectation{Status: 400, Code: "InvalidJSON"}},
		{name: "error-refused-key", method: "POST", path: "/presign", headers: jsonHdr, browser: true,
			body: mustJSON(map[string]any{"method": "GET", "key": "private/payroll.xlsx"}), exp: Expectation{Status: 403, Code: "KeyNotAllowed"}},
		{name: "error-too-large", method: "POST", path: "/auth", headers: jsonHdr, browser: true,
			body: mustJSON(map[string]any{"method": "PUT", "key": "uploads/note.txt", "headers": map[string]string{"x-cos-meta-note": big}}),
			exp:  Expectation{Status: 413, Code: "BodyTooLarge"}},
		{name: "error-wrong-method", method: "DELETE", path: "/auth", browser: true, exp: Expectation{Status: 405, Code: "HTTPMethodNotAllowed"}},
	}
}

// directCase is a direct invocation: the event is the request body itself.
type directCase struct {
	name  string
	event map[string]any
	exp   Expectation
}

func directCases() []directCase {
	return []directCase{
		{"direct-auth", map[string]any{"action": "auth", "method": "PUT", "key": "uploads/batch/0001.csv", "headers": map[string]string{"Content-Type": "text/csv"}},
			Expectation{Status: 200, Fields: authFields, Verify: "auth", Sign: &Sign{Method: "PUT", Key: "uploads/batch/0001.csv", Headers: map[string]string{"Content-Type": "text/csv"}, Expires: defaultExp}}},
		{"direct-presign", map[string]any{"action": "presign", "method": "GET", "key": "public/exports/daily.json", "expired": 900},
			Expectation{Status: 200, Fields: urlFields, Verify: "presign", Sign: signFor("GET", "public/exports/daily.json", 900)}},
		{"direct-download", map[string]any{"action": "download", "key": "public/exports/daily.json"},
			Expectation{Status: 200, Fields: []string{"url", "startTime", "expiredTime"}, Verify: "download", Sign: signFor("GET", "public/exports/daily.json", defaultExp)}},
		{"direct-post-policy", map[string]any{"action": "post-policy", "key": "uploads/forms/f1.bin", "contentLength": 1048576},
			Expectation{Status: 200, Fields: []string{"url", "fields", "startTime", "expiredTime"}, Verify: "post-policy", Sign: &Sign{Key: "uploads/forms/f1.bin", Expires: defaultExp}}},
		{"direct-batch", map[string]any{"action": "batch", "requests": []any{
			map[string]any{"action": "download", "key": "public/a.txt"},
			map[string]any{"action": "auth", "method": "HEAD", "key": "public/b.txt"}}},
			Expectation{Status: 200, Fields: []string{"results"}, Verify: "batch", Batch: []Expectation{
				{Fields: []string{"url"}, Verify: "download", Sign: signFor("GET", "public/a.txt", defaultExp)},
				{Fields: []string{"authorization"}, Verify: "auth", Sign: signFor("HEAD", "public/b.txt", defaultExp)}}}},
		{"direct-error-refused-key", map[string]any{"action": "presign", "method": "GET", "key": "private/payroll.xlsx"},
			Expectation{Status: 403, Code: "KeyNotAllowed", InvokeError: true}},
		{"direct-error-missing-key", map[string]any{"action": "download", "expired": 60},
			Expectation{Status: 400, Code: "MissingKey", InvokeError: true}},
		{"direct-error-unknown-action", map[string]any{"action": "delete-everything", "key": "public/a.txt"},
			Expectation{Status: 404, Code: "UnknownRoute", InvokeError: true}},
	}
}

// requestID is a stable, UUID-shaped id per event.
func requestID(seed string) string {
	h := fnv.New128a()
	h.Write([]byte(seed))
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (c logical) allHeaders(host string) map[string]string {
	h := map[string]string{"accept": "application/json, text/plain, */*", "host": host, "user-agent": userAgent}
	if c.browser {
		h["origin"] = origin
		h["referer"] = origin + "/"
	}
	if c.body != "" {
		h["content-length"] = fmt.Sprint(len(c.body))
	}
	for k, v := range c.headers {
		h[k] = v
	}
	return h
}

func (c logical) eventBody() (string, bool) {
	if c.base64 {
		return base64.StdEncoding.EncodeToString([]byte(c.body)), true
	}
	return c.body, false
}

// rawQuery is the query as a client sends it (percent-encoded, in order).
func (c logical) rawQuery() string {
	parts := make([]string, 0, len(c.query))
	for _, p := range c.query {
		if p.flag {
			parts = append(parts, url.QueryEscape(p.k))
			continue
		}
		parts = append(parts, url.QueryEscape(p.k)+"="+url.QueryEscape(p.v))
	}
	return strings.Join(parts, "&")
}

func (c logical) multiQuery(encode bool) map[string][]string {
	q := map[string][]string{}
	for _, p := range c.query {
		v := p.v
		if encode {
			v = url.QueryEscape(v)
		}
		q[p.k] = append(q[p.k], v)
	}
	return q
}

func lastValues(m map[string][]string) map[string]string {
	out := map[string]string{}
	for k, vs := range m {
		out[k] = vs[len(vs)-1]
	}
	return out
}

func joined(m map[string][]string, sep string) map[string]string {
	out := map[string]string{}
	for k, vs := range m {
		out[k] = strings.Join(vs, sep)
	}
	return out
}

func multi(m map[string]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		out[k] = []string{v}
	}
	return out
}

// canonical writes header names as API Gateway REST APIs pass them through.
func canonical(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		parts := strings.Split(k, "-")
		for i, p := range parts {
			if p != "" {
				parts[i] = strings.ToUpper(p[:1]) + p[1:]
			}
		}
		out[strings.Join(parts, "-")] = v
	}
	return out
}

func (c logical) expectation() Expectation {
	e := c.exp
	if c.browser {
		e.Headers = map[string]string{"access-control-allow-origin": origin}
	}
	return e
}

// --- SCF ---

func scfAPIGateway(c logical) map[string]any {
	q := map[string]any{}
	for _, p := range c.query {
		switch prev, ok := q[p.k]; {
		case p.flag:
			q[p.k] = true
		case !ok:
			q[p.k] = p.v
		default:
			if s, isStr := prev.(string); isStr {
				q[p.k] = []string{s, p.v}
			} else {
				q[p.k] = append(prev.([]string), p.v)
			}
		}
	}
	h := c.allHeaders("service-k2z8w7qd-1250000000.gz.tencentapigw.com")
	id := requestID("scf-apigw-" + c.name)
	h["x-anonymous-consumer"] = "true"
	h["x-api-requestid"] = strings.ReplaceAll(id, "-", "")
	h["x-qualifier"] = "$DEFAULT"
	h["endpoint-timeout"] = "15"
	ev := map[string]any{
		"requestContext": map[string]any{"serviceId": "service-k2z8w7qd", "path": "/{proxy+}", "httpMethod": "ANY",
			"requestId": id, "identity": map[string]any{}, "sourceIp": sourceIP, "stage": "release"},
		"headers": h, "pathParameters": map[string]string{"proxy": strings.TrimPrefix(c.path, "/")},
		"queryStringParameters": map[string]string{}, "headerParameters": map[string]string{}, "stageVariables": map[string]string{"stage": "release"},
		"path": c.path, "queryString": q, "httpMethod": c.method,
	}
	if c.body != "" {
		body, b64 := c.eventBody()
		ev["body"] = body
		ev["isBase64Encoded"] = b64
	}
	return ev
}

func scfFunctionURL(c logical) map[string]any {
	q := scfAPIGateway(c)["queryString"]
	h := c.allHeaders("1250000000-k2z8w7qd-gz.scf.tencentcs.com")
	h["x-scf-remote-addr"] = sourceIP
	h["x-forwarded-proto"] = "https"
	ev := map[string]any{"headers": h, "httpMethod": c.method, "path": c.path, "queryString": q}
	if c.body != "" {
		ev["body"] = c.body
	}
	return ev
}

// --- Lambda ---

const region = "ap-northeast-1"

func lambdaV1(c logical) map[string]any {
	h := canonical(c.allHeaders("k2z8w7qd.execute-api." + region + ".amazonaws.com"))
	h["X-Forwarded-For"] = sourceIP + ", 130.176.16.71"
	h["X-Forwarded-Proto"] = "https"
	id := requestID("lambda-v1-" + c.name)
	mq := c.multiQuery(false)
	var qs, mqs any
	if len(mq) > 0 {
		qs, mqs = lastValues(mq), mq
	}
	var body any
	b64 := false
	if c.body != "" {
		body, b64 = c.eventBody()
	}
	return map[string]any{
		"resource": "/{proxy+}", "path": c.path, "httpMethod": c.method,
		"headers": h, "multiValueHeaders": multi(h),
		"queryStringParameters": qs, "multiValueQueryStringParameters": mqs,
		"pathParameters": map[string]string{"proxy": strings.TrimPrefix(c.path, "/")}, "stageVariables": nil,
		"requestContext": map[string]any{
			"accountId": "123456789012", "resourceId": "x1y2z3", "stage": "prod", "requestId": id,
			"extendedRequestId": "Zq2wEFYhtjMEd3g=", "requestTime": "22/Nov/2026:19:00:00 +0000", "requestTimeEpoch": 1795374000000,
			"path": "/prod" + c.path, "resourcePath": "/{proxy+}", "httpMethod": c.method, "protocol": "HTTP/1.1",
			"apiId": "k2z8w7qd", "domainName": "k2z8w7qd.execute-api." + region + ".amazonaws.com", "domainPrefix": "k2z8w7qd",
			"identity":   map[string]any{"sourceIp": sourceIP, "userAgent": userAgent, "accountId": nil, "caller": nil, "user": nil, "userArn": nil},
			"authorizer": map[string]any{"principalId": "user-42", "integrationLatency": 3, "tenant": "acme"},
		},
		"body": body, "isBase64Encoded": b64,
	}
}

func lambdaV2(c logical, functionURL bool) map[string]any {
	domain, routeKey := "k2z8w7qd.execute-api."+region+".amazonaws.com", "ANY /{proxy+}"
	if functionURL {
		domain, routeKey = "k2z8w7qdexample4vyvq3mqyxe0fuu.lambda-url."+region+".on.aws", "$default"
	}
	h := c.allHeaders(domain)
	h["x-forwarded-for"] = sourceIP
	h["x-forwarded-proto"] = "https"
	h["x-amzn-trace-id"] = "Root=1-673f5c20-" + strings.ReplaceAll(requestID(c.name), "-", "")[:24]
	id := requestID(fmt.Sprintf("lambda-v2-%v-%s", functionURL, c.name))
	rc := map[string]any{
		"accountId": "123456789012", "apiId": "k2z8w7qd", "domainName": domain, "domainPrefix": strings.Split(domain, ".")[0],
		"http":      map[string]any{"method": c.method, "path": c.path, "protocol": "HTTP/1.1", "sourceIp": sourceIP, "userAgent": userAgent},
		"requestId": id, "routeKey": routeKey, "stage": "$default", "time": "22/Nov/2026:19:00:00 +0000", "timeEpoch": 1795374000000,
	}
	ev := map[string]any{"version": "2.0", "routeKey": routeKey, "rawPath": c.path, "rawQueryString": c.rawQuery(),
		"headers": h, "requestContext": rc, "isBase64Encoded": false}
	if mq := c.multiQuery(false); len(mq) > 0 {
		ev["queryStringParameters"] = joined(mq, ",")
	}
	if !functionURL {
		ev["pathParameters"] = map[string]string{"proxy": strings.TrimPrefix(c.path, "/")}
		rc["authorizer"] = map[string]any{"jwt": map[string]any{
			"claims": map[string]any{"sub": "user-42", "iss": "https://auth.example.com/", "aud": "cos-signer", "exp": "1795377600", "iat": "1795374000"},
			"scopes": []string{"cos:sign"}}}
		ev["cookies"] = []string{"session=not-a-real-session"}
	}
	if c.body != "" {
		ev["body"], ev["isBase64Encoded"] = c.eventBody()
	}
	return ev
}

func lambdaALB(c logical, multiValue bool) map[string]any {
	h := c.allHeaders("signer-alb-1234567890." + region + ".elb.amazonaws.com")
	h["x-forwarded-for"] = sourceIP
	h["x-forwarded-port"] = "443"
	h["x-forwarded-proto"] = "https"
	h["x-amzn-trace-id"] = "Root=1-673f5c20-" + strings.ReplaceAll(requestID("alb"+c.name), "-", "")[:24]
	// ALB passes query values on as the client encoded them.
	mq := c.multiQuery(true)
	ev := map[string]any{
		"requestContext": map[string]any{"elb": map[string]any{
			"targetGroupArn": "arn:aws:elasticloadbalancing:" + region + ":123456789012:targetgroup/cos-signer/6d0ecf831eec9f09"}},
		"httpMethod": c.method, "path": c.path, "isBase64Encoded": false, "body": "",
	}
	if multiValue {
		ev["multiValueHeaders"], ev["multiValueQueryStringParameters"] = multi(h), mq
	} else {
		ev["headers"], ev["queryStringParameters"] = h, lastValues(mq)
	}
	if c.body != "" {
		ev["body"], ev["isBase64Encoded"] = c.eventBody()
	}
	return ev
}

// --- AUTH_MODE=gateway (events/gateway/) ---

// gatewayUser is the caller every gateway event's authorizer verified.
const gatewayUser = "user-42"

// gatewayCase is a Lambda event whose caller the trigger's authorizer
// verified: authorizer replaces the request context's (nil: none at all).
type gatewayCase struct {
	trigger    string // v1, v2 or url
	authorizer map[string]any
	logical
}

func gatewayCases() []gatewayCase {
	jsonHdr := map[string]string{"content-type": "application/json"}
	jwtClaims := map[string]any{"jwt": map[string]any{
		"claims": map[string]any{"sub": gatewayUser, "iss": "https://cognito-idp." + region + ".amazonaws.com/" + region + "_Example1", "aud": "cos-signer-web",
			"token_use": "id", "exp": "1795377600", "iat": "1795374000"},
		"scopes": nil}}
	presign := func(key string) string {
		return mustJSON(map[string]any{"method": "PUT", "key": key, "expired": 600, "headers": map[string]string{"Content-Type": "image/jpeg"}})
	}
	signed := func(key string) Expectation {
		return Expectation{Status: 200, Fields: urlFields, Verify: "presign",
			Sign: &Sign{Method: "PUT", Key: key, Headers: map[string]string{"Content-Type": "image/jpeg"}, Expires: 600}}
	}
	unauthorized := Expectation{Status: 401, Code: "Unauthorized"}
	const iamUser = "AIDAEXAMPLEALICE4242"
	return []gatewayCase{
		// HTTP API with a JWT authorizer (Cognito user pool, Auth0, …): the caller's own folder.
		{"v2", jwtClaims, logical{name: "jwt-presign", method: "POST", path: "/presign", headers: jsonHdr, browser: true,
			body: presign("users/" + gatewayUser + "/photos/cat.jpg"), exp: signed("users/" + gatewayUser + "/photos/cat.jpg")}},
		{"v2", jwtClaims, logical{name: "jwt-other-user", method: "POST", path: "/presign", headers: jsonHdr, browser: true,
			body: presign("users/user-7/photos/cat.jpg"), exp: Expectation{Status: 403, Code: "KeyNotAllowed"}}},
		// A token in the request is not an identity: only the authorizer's verdict is.
		{"v2", nil, logical{name: "no-authorizer", method: "POST", path: "/presign", browser: true,
			headers: map[string]string{"content-type": "application/json", "authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTQyIn0."},
			body:    presign("users/" + gatewayUser + "/photos/cat.jpg"), exp: unauthorized}},
		{"v2", nil, logical{name: "healthz", method: "GET", path: "/healthz", exp: Expectation{Status: 200, Fields: []string{"status", "version"}, Verify: "none"}}},
		// REST API with a Cognito user pool authorizer, and with a Lambda authorizer.
		{"v1", map[string]any{"claims": map[string]any{"sub": gatewayUser, "cognito:username": "alice", "token_use": "id"}},
			logical{name: "cognito-presign", method: "POST", path: "/presign", headers: jsonHdr, browser: true,
				body: presign("users/" + gatewayUser + "/avatar.jpg"), exp: signed("users/" + gatewayUser + "/avatar.jpg")}},
		{"v1", map[string]any{"principalId": gatewayUser, "integrationLatency": 3, "tenant": "acme"},
			logical{name: "lambda-authorizer-auth", method: "POST", path: "/auth", headers: jsonHdr, browser: true,
				body: mustJSON(map[string]any{"method": "GET", "key": "users/" + gatewayUser + "/report.pdf"}),
				exp:  Expectation{Status: 200, Fields: authFields, Verify: "auth", Sign: signFor("GET", "users/"+gatewayUser+"/report.pdf", defaultExp)}}},
		// A Function URL with AuthType AWS_IAM: the SigV4-verified principal.
		{"url", map[string]any{"iam": map[string]any{"accessKey": "AKIAEXAMPLEACCESSKEY", "accountId": "123456789012", "callerId": iamUser,
			"userArn": "arn:aws:iam::123456789012:user/alice", "userId": iamUser}},
			logical{name: "iam-presign", method: "POST", path: "/presign", headers: jsonHdr,
				body: presign("users/" + iamUser + "/photo.jpg"), exp: signed("users/" + iamUser + "/photo.jpg")}},
		{"url", nil, logical{name: "no-authorizer", method: "POST", path: "/presign", headers: jsonHdr,
			body: presign("users/" + iamUser + "/photo.jpg"), exp: unauthorized}},
	}
}

// gatewayEvent renders c in its trigger's shape with c's authorizer.
func gatewayEvent(c gatewayCase) map[string]any {
	var ev map[string]any
	switch c.trigger {
	case "v1":
		ev = lambdaV1(c.logical)
	case "v2":
		ev = lambdaV2(c.logical, false)
	default:
		ev = lambdaV2(c.logical, true)
	}
	rc := ev["requestContext"].(map[string]any)
	if c.authorizer == nil {
		delete(rc, "authorizer")
	} else {
		rc["authorizer"] = c.authorizer
	}
	return ev
}

// --- web ---

func webRequest(c logical) map[string]any {
	q := map[string]any{}
	for k, vs := range c.multiQuery(false) {
		if len(vs) == 1 {
			q[k] = vs[0]
		} else {
			q[k] = vs
		}
	}
	h := c.allHeaders("localhost:9000")
	delete(h, "host")
	delete(h, "content-length")
	ev := map[string]any{"method": c.method, "path": c.path, "query": q, "headers": h}
	if c.body != "" {
		ev["body"] = c.body
	}
	return ev
}

// generate renders the table: path under events/ → file bytes.
func generate(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	put := func(name string, ev any, exp Expectation) {
		b, err := json.MarshalIndent(ev, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out[name+".json"] = append(b, '\n')
		e, err := json.MarshalIndent(exp, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out[name+".expect.json"] = append(e, '\n')
	}
	for _, c := range httpCases() {
		exp := c.expectation()
		put("scf/apigw-"+c.name, scfAPIGateway(c), exp)
		if !c.base64 { // Function URL events carry no isBase64Encoded
			put("scf/url-"+c.name, scfFunctionURL(c), exp)
		}
		put("lambda/v1-"+c.name, lambdaV1(c), exp)
		put("lambda/v2-"+c.name, lambdaV2(c, false), exp)
		put("lambda/url-"+c.name, lambdaV2(c, true), exp)
		put("lambda/alb-mv-"+c.name, lambdaALB(c, true), exp)
		put("lambda/alb-"+c.name, lambdaALB(c, false), exp)
		if !c.base64 { // plain HTTP has no transport encoding
			put("web/"+c.name, webRequest(c), exp)
		}
	}
	for _, d := range directCases() {
		put("scf/"+d.name, d.event, d.exp)
		put("lambda/"+d.name, d.event, d.exp)
	}
	env := map[string]string{
		"COS_SECRET_ID":               "AKIDEVENTS0000000000000000000000000",
		"COS_SECRET_KEY":              "eventsSecretKeyNotReal000000000000",
		"COS_BUCKET":                  "examplebucket-1250000000",
		"COS_REGION":                  "ap-guangzhou",
		"SIGN_KEY_PREFIXES":           "uploads/,public/",
		"SIGN_ALLOW_ANONYMOUS_WRITES": "true",
		"SIGN_DEFAULT_EXPIRED":        "300",
		"SIGN_MAX_EXPIRED":            "3600",
		"SIGN_MAX_BODY_BYTES":         "4096",
		"SIGN_MAX_BATCH":              "20",
		"CORS_ALLOWED_ORIGINS":        origin,
		"AUTH_MODE":                   "none",
	}
	b, _ := json.MarshalIndent(env, "", "  ")
	out["env.json"] = append(b, '\n')

	// The same service behind a gateway authorizer: each caller their own folder.
	gw := maps.Clone(env)
	gw["AUTH_MODE"] = "gateway"
	gw["SIGN_KEY_PREFIXES"] = "users/{sub}/"
	gw["SIGN_ALLOW_ANONYMOUS_WRITES"] = "false"
	b, _ = json.MarshalIndent(gw, "", "  ")
	out["gateway/env.json"] = append(b, '\n')
	for _, c := range gatewayCases() {
		put("gateway/lambda/"+c.trigger+"-"+c.name, gatewayEvent(c), c.expectation())
	}
	return out
}

// eventDirs are the directories under events/ that hold generated events.
var eventDirs = []string{"scf", "lambda", "web", "gateway/lambda"}

func TestSampleEventsUpToDate(t *testing.T) {
	files := generate(t)
	root := Dir(t)
	if *update {
		for _, p := range eventDirs {
			old, _ := filepath.Glob(filepath.Join(root, p, "*.json"))
			for _, f := range old {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Errorf("events/%s: %v (run with -update)", name, err)
			continue
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("events/%s differs from the table in generate_test.go (edit the table, then run with -update)", name)
		}
	}
	for _, p := range eventDirs {
		found, _ := filepath.Glob(filepath.Join(root, p, "*.json"))
		for _, f := range found {
			rel, _ := filepath.Rel(root, f)
			if _, ok := files[filepath.ToSlash(rel)]; !ok {
				t.Errorf("events/%s is not in the table in generate_test.go", rel)
			}
		}
	}
}
