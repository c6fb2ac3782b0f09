package fakests

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/campolicy"
)

const policy = `{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/u/a/*"]}]}`

// call signs a GetFederationToken call by hand with key, optionally
// changing the body after signing.
func call(t *testing.T, s *Server, key string, tamper func([]byte) []byte) (code string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"Name": "cossigner", "Policy": url.PathEscape(policy), "DurationSeconds": 1800})
	u, _ := url.Parse(s.URL)
	ts := time.Now().Unix()
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	cr := CanonicalRequest("POST", "/", "", [][2]string{{"content-type", "application/json"}, {"host", u.Host}}, body)
	sig := Signature(key, date, "sts", ts, cr)
	if tamper != nil {
		body = tamper(body)
	}
	req, _ := http.NewRequest("POST", s.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", "GetFederationToken")
	req.Header.Set("X-TC-Version", "2018-08-13")
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKIDs/"+date+"/sts/tc3_request, SignedHeaders=content-type;host, Signature="+sig)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "STS answers errors as HTTP 200")
	var out struct {
		Response struct {
			Error       *struct{ Code string }
			Credentials *struct{ TmpSecretId string }
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	if out.Response.Error != nil {
		return out.Response.Error.Code
	}
	require.NotNil(t, out.Response.Credentials)
	return ""
}

func TestFakeChecksSignatureAndBody(t *testing.T) {
	s := New(t, Options{SecretID: "AKIDs", SecretKey: "sk", Region: "ap-guangzhou",
		Scope: campolicy.Scope{Region: "ap-guangzhou", AppID: "1250000000", Bucket: "b-1250000000"}})
	assert.Equal(t, "", call(t, s, "sk", nil))
	assert.Equal(t, "AuthFailure.SignatureFailure", call(t, s, "wrong", nil))
	assert.Equal(t, "AuthFailure.SignatureFailure", call(t, s, "sk", func(b []byte) []byte {
		return bytes.Replace(b, []byte("1800"), []byte("7200"), 1)
	}))
	require.Len(t, s.Vended(), 1)
	assert.Equal(t, policy, s.Vended()[0].PolicyText)
	assert.Equal(t, 3, s.Calls())
	assert.True(t, strings.HasPrefix(s.Refused()[0], "AuthFailure.SignatureFailure"))
}
