package service

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatedTypeAndLengthAreSigned: contentType and contentLength on a
// presigned PUT are signed as Content-Type and Content-Length and returned
// in headers, with or without upload limits (issue 13 item 2); a COS that
// checks signatures with cos-go-sdk-v5 takes the upload as stated and
// refuses another type or length.
func TestStatedTypeAndLengthAreSigned(t *testing.T) {
	fake := fakecos.New(fakecos.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	defer fake.Close()
	fake.Now = func() time.Time { return testNow }
	proxy, err := url.Parse(fake.URL)
	require.NoError(t, err)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	put := func(u, ctype string, body []byte) int {
		req, err := http.NewRequest("PUT", u, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ctype)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for name, env := range map[string]map[string]string{
		"no limits": {"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "COS_SCHEME": "http"},
		"limits":    {"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "COS_SCHEME": "http", "SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "100"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, env)
			a := f.post("/presign", `{"method":"PUT","key":"a.png","contentType":"image/png","contentLength":10}`)
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, map[string]string{"Content-Type": "image/png", "Content-Length": "10"}, strMap(a.obj["headers"]))
			assert.Contains(t, a.str("url"), "q-header-list=content-length%3Bcontent-type%3Bhost")

			assert.Equal(t, 200, put(a.str("url"), "image/png", []byte("0123456789")), "the upload as stated")
			assert.Equal(t, 403, put(a.str("url"), "text/html", []byte("0123456789")), "another type")
			assert.Equal(t, 403, put(a.str("url"), "image/png", []byte("01234567890123456789")), "another length")
			require.NotNil(t, fake.Object(testHost, "a.png"))

			auth := f.post("/auth", `{"method":"PUT","key":"a.png","contentType":"image/png","contentLength":10}`)
			verifyAuth(t, auth, "", signer.Request{Method: "PUT", Key: "a.png", Headers: map[string]string{"Content-Type": "image/png", "Content-Length": "10"}})
		})
	}
}
