package eventtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/signer"
)

// recorder collects Check's complaints so a test can assert on them.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func check(t *testing.T, exp Expectation, status int, h map[string]string, body any) []string {
	r := &recorder{TB: t}
	b, ok := body.([]byte)
	if !ok {
		var err error
		b, err = json.Marshal(body)
		require.NoError(t, err)
	}
	Check(r, exp, status, h, b)
	return r.errs
}

var now = time.Unix(1795374000, 0)

// testSigner is this project's signer with events/env.json's credentials:
// the answers Check is tested on come from it, so each positive assertion
// holds it to cos-go-sdk-v5, which Check recomputes with.
func testSigner(t *testing.T) *signer.Signer {
	env := Env(t)
	s, err := signer.New(signer.Credentials{SecretID: env["COS_SECRET_ID"], SecretKey: env["COS_SECRET_KEY"]},
		signer.Endpoint{Region: env["COS_REGION"]})
	require.NoError(t, err)
	return s
}

// request is sign as a signer.Request in window w.
func (s *Sign) request(w signer.Window, method string) *signer.Request {
	r := &signer.Request{Method: s.Method, Bucket: s.Bucket, Region: s.Region, Key: s.Key,
		Headers: s.Headers, Params: s.Params, Window: w, UnsignedHost: s.SignHost != nil && !*s.SignHost}
	if method != "" {
		r.Method = method
	}
	if r.Bucket == "" {
		r.Bucket = "examplebucket-1250000000"
	}
	return r
}

func fixedWindow(t *testing.T, expires int64) signer.Window {
	w, err := signer.NewWindow(now, time.Duration(expires)*time.Second)
	require.NoError(t, err)
	return w
}

func answerTimes(w signer.Window) map[string]any {
	return map[string]any{"startTime": w.Start, "expiredTime": w.End, "serverTime": w.Start + 60}
}

func TestCheckAuth(t *testing.T) {
	s := testSigner(t)
	sign := &Sign{Method: "PUT", Key: "uploads/a.jpg", Headers: map[string]string{"Content-Type": "image/jpeg"}, Expires: 300}
	w := fixedWindow(t, 300)
	a, err := s.Authorization(sign.request(w, ""))
	require.NoError(t, err)
	good := answerTimes(w)
	good["authorization"], good["host"], good["headers"] = a.Authorization, a.Host, map[string]string{"content-type": "image/jpeg"}
	exp := Expectation{Status: 200, Fields: authFields[:1], Verify: "auth", Sign: sign,
		Headers: map[string]string{"Access-Control-Allow-Origin": origin}}
	h := map[string]string{"access-control-allow-origin": origin}
	assert.Empty(t, check(t, exp, 200, h, good))

	bad := answerTimes(w)
	for k, v := range good {
		bad[k] = v
	}
	bad["authorization"] = strings.Replace(a.Authorization, "q-signature=", "q-signature=0", 1)
	assert.NotEmpty(t, check(t, exp, 200, h, bad), "a wrong signature must fail")

	other := Expectation{Status: 200, Verify: "auth", Sign: &Sign{Method: "GET", Key: "uploads/a.jpg", Headers: sign.Headers, Expires: 300}}
	assert.NotEmpty(t, check(t, other, 200, h, good), "a signature for another method must fail")

	long := *sign
	long.Expires = 600
	assert.NotEmpty(t, check(t, Expectation{Status: 200, Verify: "auth", Sign: &long}, 200, h, good), "a window of the wrong length must fail")
	assert.NotEmpty(t, check(t, exp, 200, map[string]string{}, good), "a missing CORS header must fail")
	assert.NotEmpty(t, check(t, exp, 201, h, good), "a wrong status must fail")
	assert.NotEmpty(t, check(t, Expectation{Status: 200, Fields: []string{"securityToken"}}, 200, h, good), "a missing field must fail")

	// One leading '/' is a separator: "/uploads/a.jpg" is "uploads/a.jpg".
	slash := *sign
	slash.Key = "/" + sign.Key
	assert.Empty(t, check(t, Expectation{Status: 200, Verify: "auth", Sign: &slash}, 200, h, good))
	unsigned := *sign
	unsigned.SignHost = new(bool)
	assert.NotEmpty(t, check(t, Expectation{Status: 200, Verify: "auth", Sign: &unsigned}, 200, h, good), "a signed host where none was asked must fail")
	u, err := s.Authorization(unsigned.request(w, ""))
	require.NoError(t, err)
	good["authorization"] = u.Authorization
	assert.Empty(t, check(t, Expectation{Status: 200, Verify: "auth", Sign: &unsigned}, 200, h, good))
}

func TestCheckPresignedAndRedirect(t *testing.T) {
	s := testSigner(t)
	sign := &Sign{Method: "GET", Key: "public/docs/guide v2.pdf", Params: map[string]string{"response-content-type": "application/pdf"}, Expires: 120}
	w := fixedWindow(t, 120)
	p, err := s.PresignDownloadURL(sign.request(w, "GET"))
	require.NoError(t, err)
	good := answerTimes(w)
	good["url"], good["method"] = p.URL, "GET"
	exp := Expectation{Status: 200, Verify: "download", Sign: sign}
	assert.Empty(t, check(t, exp, 200, nil, good))

	// The same URL answered as a redirect: the window comes from the URL.
	assert.Empty(t, check(t, Expectation{Status: 302, Verify: "download", Sign: sign}, 302, map[string]string{"Location": p.URL}, []byte{}))

	u, _ := url.Parse(p.URL)
	q := u.Query()
	q.Set("response-content-type", "text/html")
	u.RawQuery = q.Encode()
	good["url"] = u.String()
	assert.NotEmpty(t, check(t, exp, 200, nil, good), "a changed signed parameter must fail")

	q.Set("response-content-type", "application/pdf")
	q.Set("extra", "1")
	u.RawQuery = q.Encode()
	good["url"] = u.String()
	assert.NotEmpty(t, check(t, exp, 200, nil, good), "an unsigned extra parameter must fail")
}

func TestCheckPostPolicy(t *testing.T) {
	s := testSigner(t)
	w := fixedWindow(t, 300)
	pp, err := s.PostPolicy(&signer.PostPolicyRequest{Bucket: "examplebucket-1250000000", Key: "uploads/x.jpg", Window: w})
	require.NoError(t, err)
	good := answerTimes(w)
	good["url"], good["fields"] = pp.URL, pp.Fields
	exp := Expectation{Status: 200, Verify: "post-policy", Sign: &Sign{Key: "uploads/x.jpg", Expires: 300}}
	assert.Empty(t, check(t, exp, 200, nil, good))

	assert.NotEmpty(t, check(t, Expectation{Status: 200, Verify: "post-policy", Sign: &Sign{Key: "uploads/y.jpg"}}, 200, nil, good),
		"a policy for another key must fail")
	fields := map[string]string{}
	for k, v := range pp.Fields {
		fields[k] = v
	}
	fields["q-signature"] = strings.Repeat("0", 40)
	good["fields"] = fields
	assert.NotEmpty(t, check(t, exp, 200, nil, good), "a wrong policy signature must fail")
}

func TestCheckBatchAndErrors(t *testing.T) {
	s := testSigner(t)
	sign := &Sign{Method: "PUT", Key: "uploads/v.mp4", Params: map[string]string{"partNumber": "1", "uploadId": uploadID}}
	w := fixedWindow(t, 300)
	p, err := s.PresignURL(sign.request(w, ""))
	require.NoError(t, err)
	entry := answerTimes(w)
	entry["url"] = p.URL
	body := map[string]any{"results": []any{entry, map[string]any{"error": map[string]any{"code": "AccessDenied", "message": "no"}}}}
	exp := Expectation{Status: 200, Verify: "batch", Batch: []Expectation{{Verify: "presign", Sign: sign}, {Code: "AccessDenied"}}}
	assert.Empty(t, check(t, exp, 200, nil, body))
	exp.Batch[1].Code = "InvalidKey"
	assert.NotEmpty(t, check(t, exp, 200, nil, body), "the wrong entry error must fail")
	exp.Batch = exp.Batch[:1]
	assert.NotEmpty(t, check(t, exp, 200, nil, body), "a wrong entry count must fail")

	errBody := map[string]any{"error": map[string]any{"code": "AccessDenied", "message": "key is outside SIGN_KEY_PREFIXES", "requestId": "r1"}}
	assert.Empty(t, check(t, Expectation{Status: 403, Code: "AccessDenied"}, 403, nil, errBody))
	assert.NotEmpty(t, check(t, Expectation{Status: 403, Code: "NotFound"}, 403, nil, errBody))
	assert.NotEmpty(t, check(t, Expectation{Status: 403, Code: "AccessDenied"}, 403, nil, []byte(`{"message":"x"}`)))
}

func TestInvokeErrors(t *testing.T) {
	exp := Expectation{Status: 403, Code: "AccessDenied", InvokeError: true}
	r := &recorder{TB: t}
	CheckInvokeError(r, "lambda", exp, InvokeFailure{Type: "AccessDenied", Message: "key is outside the allowed prefixes"})
	CheckInvokeError(r, "scf", exp, InvokeFailure{Type: "InvokeError", Message: "AccessDenied: key is outside the allowed prefixes"})
	assert.Empty(t, r.errs)
	CheckInvokeError(r, "lambda", exp, InvokeFailure{Type: "InvokeError", Message: "AccessDenied: x"})
	CheckInvokeError(r, "scf", exp, InvokeFailure{Type: "InvokeError", Message: "NotFound: x"})
	CheckInvokeError(r, "scf", Expectation{Status: 200}, InvokeFailure{Type: "InvokeError", Message: "NotFound: x"})
	assert.Len(t, r.errs, 3)
}

func TestResponses(t *testing.T) {
	a, err := SCFResponse([]byte(`{"isBase64Encoded":true,"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"e30="}`))
	require.NoError(t, err)
	assert.Equal(t, Answer{Status: 200, Headers: map[string]string{"content-type": "application/json"}, Body: []byte("{}")}, a)
	_, err = SCFResponse([]byte(`{"isBase64Encoded":false,"statusCode":200,"headers":null,"body":""}`))
	assert.Error(t, err, "SCF needs a headers object")

	a, err = LambdaResponse([]byte(`{"statusCode":302,"multiValueHeaders":{"Location":["https://x/"]},"body":""}`))
	require.NoError(t, err)
	assert.Equal(t, "https://x/", a.Headers["location"])
	_, err = ALBResponse([]byte(`{"statusCode":404,"statusDescription":"200 OK","headers":{},"body":""}`))
	assert.Error(t, err)
	_, err = ALBResponse([]byte(`{"statusCode":404,"statusDescription":"404 Not Found","headers":{},"body":""}`))
	assert.NoError(t, err)
	_, err = LambdaResponse([]byte(`{"body":""}`))
	assert.Error(t, err)
}

// TestSampleEvents checks the events themselves: each loads, is the shape
// its trigger sends, and says what to verify.
func TestSampleEvents(t *testing.T) {
	for _, platform := range []string{"scf", "lambda", "web"} {
		cases := Load(t, platform)
		for _, c := range cases {
			var obj map[string]any
			require.NoError(t, json.Unmarshal(c.Event, &obj), c.Name)
			if c.Expect.Verify != "" && c.Expect.Verify != "none" && c.Expect.Verify != "batch" {
				assert.NotNil(t, c.Expect.Sign, "%s: verify=%s needs sign", c.Name, c.Expect.Verify)
			}
			if c.Expect.Status >= 400 {
				assert.NotEmpty(t, c.Expect.Code, c.Name)
			}
			assert.Equal(t, strings.Contains(c.Name, "direct-"), c.Direct(), c.Name)
			if c.Platform == "web" {
				_, err := ParseWebRequest(c.Event)
				assert.NoError(t, err, c.Name)
			}
			if c.Platform == "lambda" {
				assert.Equal(t, strings.HasPrefix(c.Name, "lambda/alb"), isALB(c.Event), c.Name)
			}
		}
	}
	env := Env(t)
	assert.Equal(t, "examplebucket-1250000000", env["COS_BUCKET"])
}
