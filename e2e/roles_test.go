package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	cos "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// TestSCFSignsWithEachInvocationsRoleKeys drives the real SCF binary as the
// platform does: the function role's temporary keys come in each
// invocation's Environment. A presigned URL must carry the keys of its own
// invocation (recomputed with cos-go-sdk-v5), and when the invocation says
// when they expire (COS_CREDENTIALS_EXPIRATION), its window ends there, and
// past it nothing is signed.
func TestSCFSignsWithEachInvocationsRoleKeys(t *testing.T) {
	env := eventtest.Env(t)
	for _, k := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_SESSION_TOKEN"} {
		delete(env, k)
	}
	role := func(n string) map[string]string {
		return map[string]string{"TENCENTCLOUD_SECRETID": "AKIDrole" + n + "EXAMPLEEXAMPLEEXAMPLE", "TENCENTCLOUD_SECRETKEY": "roleKey" + n + "EXAMPLEEXAMPLEEXAMPLE",
			"TENCENTCLOUD_SESSIONTOKEN": "roleToken" + n + "-EXAMPLE"}
	}
	for k, v := range role("0") { // what the instance started with
		env[k] = v
	}
	s, err := runtimeharness.StartSCF(context.Background(), scfBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer s.Close()

	presign := func(invocationEnv map[string]string) (int, map[string]any) {
		t.Helper()
		out, err := s.InvokeWithEnvironment(context.Background(), []byte(`{"action":"presign","method":"GET","key":"public/a.txt","expired":600}`), invocationEnv)
		if fe, ok := runtimeharness.AsFunctionError(err); ok {
			return 503, map[string]any{"error": fe.Message}
		}
		require.NoError(t, err)
		var a map[string]any
		require.NoError(t, json.Unmarshal(out, &a))
		return 200, a
	}
	// check recomputes the URL with cos-go-sdk-v5 from keys and the
	// answer's window.
	check := func(a map[string]any, keys map[string]string) {
		t.Helper()
		u, err := url.Parse(a["url"].(string))
		require.NoError(t, err)
		start, end := int64(a["startTime"].(float64)), int64(a["expiredTime"].(float64))
		bu, err := cos.NewBucketURL(env["COS_BUCKET"], env["COS_REGION"], true)
		require.NoError(t, err)
		q := url.Values{"x-cos-security-token": {keys["TENCENTCLOUD_SESSIONTOKEN"]}}
		want, err := cos.NewClient(&cos.BaseURL{BucketURL: bu}, nil).Object.GetPresignedURL(context.Background(), http.MethodGet, "public/a.txt",
			keys["TENCENTCLOUD_SECRETID"], keys["TENCENTCLOUD_SECRETKEY"], time.Hour, &cos.PresignedURLOptions{Query: &q, Header: &http.Header{},
				AuthTime: &cos.AuthTime{SignStartTime: time.Unix(start, 0), SignEndTime: time.Unix(end, 0), KeyStartTime: time.Unix(start, 0), KeyEndTime: time.Unix(end, 0)}}, true)
		require.NoError(t, err)
		assert.Equal(t, want.Query().Get("q-signature"), u.Query().Get("q-signature"))
		assert.Equal(t, keys["TENCENTCLOUD_SECRETID"], u.Query().Get("q-ak"))
		assert.Equal(t, keys["TENCENTCLOUD_SESSIONTOKEN"], u.Query().Get("x-cos-security-token"))
	}

	_, a := presign(role("1"))
	check(a, role("1"))
	_, a = presign(role("2"))
	check(a, role("2"))

	expires := time.Now().Add(90 * time.Second).Unix()
	withExpiry := role("3")
	withExpiry["COS_CREDENTIALS_EXPIRATION"] = strconv.FormatInt(expires, 10)
	_, a = presign(withExpiry)
	check(a, role("3"))
	assert.Equal(t, float64(expires), a["expiredTime"], "the window ends with the credentials")

	expired := role("4")
	expired["COS_CREDENTIALS_EXPIRATION"] = strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)
	status, a := presign(expired)
	require.Equal(t, 503, status, "%v", a)
	assert.True(t, strings.HasPrefix(a["error"].(string), "CredentialsExpired"), "%v", a)
	s.Close()
	assert.NotContains(t, s.Log(), "roleKey")
}
