package signer

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The vectors were produced by the official SDKs (see testdata/README.md in
// the shared repository): expected is cos-python-sdk-v5's result, design the
// project's rule where it departs from python.

type vectorInput struct {
	SecretID  string            `json:"secretId"`
	SecretKey string            `json:"secretKey"`
	Token     string            `json:"token"`
	Method    string            `json:"method"`
	Bucket    string            `json:"bucket"`
	Region    string            `json:"region"`
	Key       string            `json:"key"`
	Headers   map[string]string `json:"headers"`
	Params    map[string]string `json:"params"`
	SignHost  bool              `json:"signHost"`
	StartTime int64             `json:"startTime"`
	EndTime   int64             `json:"endTime"`
}

type vector struct {
	ID       string      `json:"id"`
	Input    vectorInput `json:"input"`
	Expected *struct {
		Authorization string  `json:"authorization"`
		Host          *string `json:"host"`
		URLHost       string  `json:"urlHost"`
		URLPath       string  `json:"urlPath"`
		PresignedURL  string  `json:"presignedUrl"`
	} `json:"expected"`
	ExpectError string `json:"expectError"`
	Design      *struct {
		Refuse            string `json:"refuse"`
		AuthAuthorization string `json:"authAuthorization"`
		URLAuthorization  string `json:"urlAuthorization"`
	} `json:"design"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/cos-signature-vectors.json")
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(b, &vs))
	require.Len(t, vs, 171)
	return vs
}

func (v *vector) signer(t testing.TB) (*Signer, error) {
	in := v.Input
	return New(Credentials{SecretID: in.SecretID, SecretKey: in.SecretKey, SessionToken: in.Token}, Endpoint{Region: in.Region})
}

func (v *vector) request() *Request {
	in := v.Input
	return &Request{
		Method: in.Method, Bucket: in.Bucket, Key: in.Key,
		Headers: in.Headers, Params: in.Params, UnsignedHost: !in.SignHost,
		Window: Window{Start: in.StartTime, End: in.EndTime},
	}
}

// authorizationFromURL rebuilds the Authorization a presigned URL carries, as
// COS reads it: from the decoded query.
func authorizationFromURL(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	q := u.Query()
	var b strings.Builder
	for i, k := range authKeys {
		vals := q[k]
		require.Len(t, vals, 1, "%s appears once in %s", k, raw)
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + vals[0])
	}
	return b.String()
}

// rawPairs is a URL's query as its raw name=value pieces, sorted: the same
// set means the same parameters, encoded alike.
func rawPairs(t *testing.T, raw string) []string {
	_, q, _ := strings.Cut(raw, "?")
	ps := strings.Split(q, "&")
	slices.Sort(ps)
	return ps
}

func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			s, err := v.signer(t)
			if v.ExpectError != "" {
				// python refuses the bucket or region when the client is made,
				// or the key when signing: either way, no signature.
				if err == nil {
					_, err = s.Authorization(v.request())
				}
				require.Error(t, err, v.ExpectError)
				var se *Error
				require.ErrorAs(t, err, &se)
				switch {
				case strings.Contains(v.ExpectError, "Key"):
					assert.ErrorIs(t, err, ErrInvalidKey)
				case strings.Contains(v.ExpectError, "bucket"):
					assert.ErrorIs(t, err, ErrInvalidBucket)
				default:
					assert.ErrorIs(t, err, ErrInvalidRegion)
				}
				return
			}
			require.NoError(t, err)
			auth, authErr := s.Authorization(v.request())
			pre, preErr := s.PresignURL(v.request())

			if v.Design != nil && v.Design.Refuse != "" {
				require.Error(t, authErr, v.Design.Refuse)
				require.Error(t, preErr, v.Design.Refuse)
				if strings.Contains(v.Design.Refuse, "Host") {
					assert.ErrorIs(t, authErr, ErrHostHeader)
				} else {
					assert.ErrorIs(t, authErr, ErrDuplicateName)
				}
				return
			}
			require.NoError(t, authErr)
			require.NoError(t, preErr)
			e := v.Expected

			wantAuth, wantURLAuth := e.Authorization, e.Authorization
			if v.Design != nil {
				wantAuth, wantURLAuth = v.Design.AuthAuthorization, v.Design.URLAuthorization
			}
			assert.Equal(t, wantAuth, auth.Authorization, "Authorization")
			assert.Equal(t, wantURLAuth, authorizationFromURL(t, pre.URL), "Authorization carried by the URL")

			u, err := url.Parse(pre.URL)
			require.NoError(t, err)
			assert.Equal(t, "https", u.Scheme)
			assert.True(t, strings.EqualFold(e.URLHost, u.Host), "URL host %s, want %s", u.Host, e.URLHost)
			assert.Equal(t, e.URLPath, u.EscapedPath(), "URL path")
			assert.Equal(t, strings.ToUpper(v.Input.Method), pre.Method)
			if e.Host != nil {
				assert.Equal(t, *e.Host, auth.Host)
			} else {
				assert.Empty(t, auth.Host)
			}

			// Python's URL holds the same parameters, encoded the same way;
			// with a session token ours also carries the token, signed.
			want := rawPairs(t, e.PresignedURL)
			got := rawPairs(t, pre.URL)
			if v.Input.Token != "" {
				assert.Equal(t, []string{v.Input.Token}, u.Query()["x-cos-security-token"])
				if _, ok := v.Input.Params["x-cos-security-token"]; !ok {
					want = append(want, "x-cos-security-token="+string(appendQueryEscaped(nil, v.Input.Token)))
				}
				// The q-* values differ (the token is signed): compare the rest.
				want, got = withoutAuthPairs(want), withoutAuthPairs(got)
				slices.Sort(want)
			}
			assert.Equal(t, want, got, "query pairs")

			// Headers the client must send for the signature to hold: the
			// signed ones it asked for, nothing else (the session token
			// travels beside an Authorization, unsigned).
			for name, value := range v.Input.Headers {
				if SignsHeader(name) {
					assert.Equal(t, value, auth.Headers[name], "header %s to send", name)
					assert.Equal(t, value, pre.Headers[name], "header %s to send with the URL", name)
				} else {
					assert.NotContains(t, auth.Headers, name)
				}
			}
			assert.LessOrEqual(t, len(auth.Headers), len(v.Input.Headers), "headers to send beyond the request's: %v", auth.Headers)
		})
	}
}

func withoutAuthPairs(ps []string) []string {
	var out []string
	for _, p := range ps {
		if !strings.HasPrefix(p, "q-") {
			out = append(out, p)
		}
	}
	return out
}

func TestSignatureVectorsDownloadURL(t *testing.T) {
	// get_presigned_download_url is get_presigned_url with GET.
	for _, v := range loadVectors(t) {
		if v.Expected == nil || v.Design != nil || !strings.EqualFold(v.Input.Method, "GET") {
			continue
		}
		s, err := v.signer(t)
		require.NoError(t, err)
		r := v.request()
		r.Method = "delete" // ignored
		pre, err := s.PresignDownloadURL(r)
		require.NoError(t, err, v.ID)
		assert.Equal(t, "GET", pre.Method)
		assert.Equal(t, v.Expected.Authorization, authorizationFromURL(t, pre.URL), v.ID)
	}
}

type policyVector struct {
	ID    string `json:"id"`
	Input struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
		KeyTime   string `json:"keyTime"`
		Policy    string `json:"policy"`
	} `json:"input"`
	Expected struct {
		Signature  string            `json:"signature"`
		FormFields map[string]string `json:"formFields"`
	} `json:"expected"`
}

func loadPolicyVectors(t testing.TB) []policyVector {
	b, err := os.ReadFile("testdata/cos-post-policy-vectors.json")
	require.NoError(t, err)
	var vs []policyVector
	require.NoError(t, json.Unmarshal(b, &vs))
	require.Len(t, vs, 11)
	return vs
}

func parseKeyTime(t *testing.T, kt string) Window {
	var w Window
	a, b, ok := strings.Cut(kt, ";")
	require.True(t, ok)
	require.NoError(t, json.Unmarshal([]byte(a), &w.Start))
	require.NoError(t, json.Unmarshal([]byte(b), &w.End))
	return w
}

func TestPostPolicyVectors(t *testing.T) {
	for _, v := range loadPolicyVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			s, err := New(Credentials{SecretID: v.Input.SecretID, SecretKey: v.Input.SecretKey, SessionToken: v.Input.Token}, Endpoint{Region: "ap-guangzhou"})
			require.NoError(t, err)
			fields, err := s.SignPolicy(v.Input.Policy, parseKeyTime(t, v.Input.KeyTime))
			require.NoError(t, err)
			assert.Equal(t, v.Expected.FormFields, fields)
		})
	}
}

// The policies we build ourselves must be the very texts of the vectors that
// describe the same conditions.
func TestPostPolicyBuildsVectorPolicies(t *testing.T) {
	vs := map[string]policyVector{}
	for _, v := range loadPolicyVectors(t) {
		vs[v.ID] = v
	}
	cases := []struct {
		id  string
		req PostPolicyRequest
	}{
		{"post-bucket-key", PostPolicyRequest{Bucket: "photos-1300000001", Key: "uploads/avatar.png"}},
		{"post-starts-with-key", PostPolicyRequest{Bucket: "media-1250000002", KeyPrefix: "user/42/", ContentTypePrefix: "image/", MinContentLength: 1, MaxContentLength: 10485760}},
		{"post-sts-token", PostPolicyRequest{Bucket: "media-1250000002", KeyPrefix: "live/"}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			v := vs[c.id]
			s, err := New(Credentials{SecretID: v.Input.SecretID, SecretKey: v.Input.SecretKey, SessionToken: v.Input.Token}, Endpoint{Region: "ap-guangzhou"})
			require.NoError(t, err)
			c.req.Window = parseKeyTime(t, v.Input.KeyTime)
			p, err := s.PostPolicy(&c.req)
			require.NoError(t, err)
			assert.Equal(t, v.Input.Policy, p.Policy)
			for k, want := range v.Expected.FormFields {
				assert.Equal(t, want, p.Fields[k], k)
			}
			assert.Equal(t, "https://"+c.req.Bucket+".cos.ap-guangzhou.myqcloud.com/", p.URL)
			if c.req.Key != "" {
				assert.Equal(t, c.req.Key, p.Fields["key"])
			} else {
				assert.NotContains(t, p.Fields, "key")
			}
		})
	}
}

func TestErrorsAreTyped(t *testing.T) {
	s, err := New(Credentials{SecretID: "AKIDexample", SecretKey: "secret"}, Endpoint{Region: "ap-guangzhou"})
	require.NoError(t, err)
	w := Window{Start: 1700000000, End: 1700000300}
	cases := []struct {
		name string
		req  Request
		want error
	}{
		{"empty key", Request{Method: "GET", Bucket: "b-1250000000", Window: w}, ErrInvalidKey},
		{"invalid utf-8 key", Request{Method: "GET", Bucket: "b-1250000000", Key: "a\xff", Window: w}, ErrInvalidKey},
		{"bad bucket", Request{Method: "GET", Bucket: "bad_bucket", Key: "a", Window: w}, ErrInvalidBucket},
		{"bad region", Request{Method: "GET", Bucket: "b-1250000000", Region: "ap_x", Key: "a", Window: w}, ErrInvalidRegion},
		{"bad method", Request{Method: "PATCH", Bucket: "b-1250000000", Key: "a", Window: w}, ErrInvalidMethod},
		{"host header", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Headers: map[string]string{"HoSt": "x"}, Window: w}, ErrHostHeader},
		{"CR in header", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Headers: map[string]string{"x-cos-meta-a": "x\r\nInjected: 1"}, Window: w}, ErrInvalidHeader},
		{"NUL in unsigned header", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Headers: map[string]string{"User-Agent": "x\x00"}, Window: w}, ErrInvalidHeader},
		{"space in header name", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Headers: map[string]string{"x-cos-meta a": "x"}, Window: w}, ErrInvalidHeader},
		{"case-colliding headers", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Headers: map[string]string{"Content-Type": "a", "content-type": "b"}, Window: w}, ErrDuplicateName},
		{"case-colliding params", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Params: map[string]string{"versionId": "a", "versionid": "b"}, Window: w}, ErrDuplicateName},
		{"reserved param", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Params: map[string]string{"q-signature": "x"}, Window: w}, ErrInvalidParam},
		{"empty window", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Window: Window{Start: 5, End: 5}}, ErrInvalidWindow},
		{"negative window", Request{Method: "GET", Bucket: "b-1250000000", Key: "a", Window: Window{Start: -5, End: 5}}, ErrInvalidWindow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Authorization(&c.req)
			require.ErrorIs(t, err, c.want)
			_, err = s.PresignURL(&c.req)
			require.ErrorIs(t, err, c.want)
			var se *Error
			require.True(t, errors.As(err, &se))
			assert.NotEmpty(t, se.Message)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
	_, err = NewWindow(testNow, 0)
	assert.ErrorIs(t, err, ErrInvalidWindow)
	_, err = NewWindow(testNow, -time1)
	assert.ErrorIs(t, err, ErrInvalidWindow)
}

// The policy text is JSON.stringify's: UTF-8 and '<', '>', '&' kept as they
// are, only '"', '\\' and control characters escaped, numbers bare, the
// success status a string. (Any valid JSON would sign, since COS hashes the
// bytes the form sends; this form is the official SDKs'.)
func TestPostPolicyText(t *testing.T) {
	s, err := New(Credentials{SecretID: "AKIDexample", SecretKey: "secret"}, Endpoint{Region: "ap-guangzhou"})
	require.NoError(t, err)
	p, err := s.PostPolicy(&PostPolicyRequest{Bucket: "examplebucket-1250000000", Key: "/用户/<a&b>\"c\"\\d\n\te\x01.png",
		ContentType: "image/png", MinContentLength: 0, MaxContentLength: 1048576, SuccessActionStatus: 201,
		Window: Window{Start: 1700000000, End: 1700000900}})
	require.NoError(t, err)
	assert.Equal(t, `{"expiration":"2023-11-14T22:28:20.000Z","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":"AKIDexample"},{"q-sign-time":"1700000000;1700000900"},{"bucket":"examplebucket-1250000000"},{"key":"用户/<a&b>\"c\"\\d\n\te\u0001.png"},{"Content-Type":"image/png"},["content-length-range",0,1048576],{"success_action_status":"201"}]}`, p.Policy)
	assert.Equal(t, "201", p.Fields["success_action_status"])
	p, err = s.PostPolicy(&PostPolicyRequest{Bucket: "examplebucket-1250000000", KeyPrefix: "up/", ContentTypePrefix: "image/",
		Window: Window{Start: 1700000000, End: 1700000900}})
	require.NoError(t, err)
	assert.Equal(t, `{"expiration":"2023-11-14T22:28:20.000Z","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":"AKIDexample"},{"q-sign-time":"1700000000;1700000900"},{"bucket":"examplebucket-1250000000"},["starts-with","$key","up/"],["starts-with","$Content-Type","image/"]]}`, p.Policy)
}
