package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/fakests"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// TestSCFAsksSTSWithEachInvocationsRoleKeys drives the real SCF binary with
// /sts on in assume-role mode: each invocation brings the role's current
// keys, and the fake STS accepts only those (as the account does once a
// role's earlier keys have expired). Each call to STS is signed (TC3, as
// the fake checks) with the keys of its own invocation, and none with keys
// past COS_CREDENTIALS_EXPIRATION.
func TestSCFAsksSTSWithEachInvocationsRoleKeys(t *testing.T) {
	role := func(n string) map[string]string {
		return map[string]string{"TENCENTCLOUD_SECRETID": "AKIDrole" + n + "EXAMPLEEXAMPLEEXAMPLE", "TENCENTCLOUD_SECRETKEY": "roleKey" + n + "EXAMPLEEXAMPLEEXAMPLE",
			"TENCENTCLOUD_SESSIONTOKEN": "roleToken" + n + "-EXAMPLE"}
	}
	const roleARN = "qcs::cam::uin/100000000001:roleName/cos-uploader"
	env := eventtest.Env(t)
	r0 := role("0") // what the instance started with
	fake := fakests.New(t, fakests.Options{SecretID: r0["TENCENTCLOUD_SECRETID"], SecretKey: r0["TENCENTCLOUD_SECRETKEY"], Token: r0["TENCENTCLOUD_SESSIONTOKEN"],
		Region: env["COS_REGION"], Scope: campolicy.Scope{Region: env["COS_REGION"], AppID: "1250000000", Bucket: env["COS_BUCKET"]}, RoleARN: roleARN})
	for _, k := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_SESSION_TOKEN"} {
		delete(env, k)
	}
	for k, v := range r0 {
		env[k] = v
	}
	env["STS_MODE"], env["STS_ROLE_ARN"], env["STS_ENDPOINT"], env["STS_ALLOW_ANONYMOUS"] = "assume-role", roleARN, fake.Endpoint(), "true"
	s, err := runtimeharness.StartSCF(context.Background(), scfBinary.get(t), runtimeharness.Options{Env: envList(env)})
	require.NoError(t, err)
	defer s.Close()

	// vend asks for credentials for one new key (the key form: every
	// request calls STS) in an invocation that carries keys.
	vend := func(keys map[string]string) (string, string) {
		t.Helper()
		fake.Rotate(keys["TENCENTCLOUD_SECRETID"], keys["TENCENTCLOUD_SECRETKEY"], keys["TENCENTCLOUD_SESSIONTOKEN"])
		out, err := s.InvokeWithEnvironment(context.Background(), []byte(`{"action":"sts","ext":"png"}`), keys)
		if fe, ok := runtimeharness.AsFunctionError(err); ok {
			return "", fe.Message
		}
		require.NoError(t, err)
		var a struct{ TmpSecretId, Key string }
		require.NoError(t, json.Unmarshal(out, &a), "%s", out)
		v, ok := fake.Lookup(a.TmpSecretId)
		require.True(t, ok, "the answer holds what STS vended: %s", out)
		assert.Regexp(t, `^uploads/[0-9a-f]{32}\.png$`, a.Key)
		return v.SignedBy, ""
	}

	for _, n := range []string{"1", "2"} {
		by, failure := vend(role(n))
		require.Empty(t, failure, "%v", fake.Refused())
		assert.Equal(t, role(n)["TENCENTCLOUD_SECRETID"], by, "invocation %s", n)
	}

	calls := fake.Calls()
	expired := role("3")
	expired["COS_CREDENTIALS_EXPIRATION"] = strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)
	_, failure := vend(expired)
	assert.True(t, strings.HasPrefix(failure, "CredentialsExpired"), "%q", failure)
	assert.Equal(t, calls, fake.Calls(), "no call signed with expired keys")

	fresh := role("4")
	fresh["COS_CREDENTIALS_EXPIRATION"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	by, failure := vend(fresh)
	require.Empty(t, failure, "%v", fake.Refused())
	assert.Equal(t, fresh["TENCENTCLOUD_SECRETID"], by)
	assert.Empty(t, fake.Refused(), "no call was signed with keys the account no longer accepts")
	s.Close()
	assert.NotContains(t, s.Log(), "roleKey")
}
