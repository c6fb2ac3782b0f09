package service

import (
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/internal/fakests"
)

// On SCF the role's keys change between invocations, and the account
// accepts only the current ones: each call /sts makes to STS is signed with
// the keys of its own invocation, never with keys past
// COS_CREDENTIALS_EXPIRATION, while credentials STS vended earlier are
// still answered from the cache until their own expiry.
func TestSTSCallsAreSignedWithEachInvocationsRoleKeys(t *testing.T) {
	role := func(n string) (id, key, token string) {
		k := roleKeys(n)
		return k["TENCENTCLOUD_SECRETID"], k["TENCENTCLOUD_SECRETKEY"], k["TENCENTCLOUD_SESSIONTOKEN"]
	}
	id1, key1, tok1 := role("1")
	fake := fakests.New(t, fakests.Options{SecretID: id1, SecretKey: key1, Token: tok1, Region: testRegion, Scope: camScope, RoleARN: testRole})
	env := &platformEnv{m: map[string]string{"COS_BUCKET": testBucket, "COS_REGION": testRegion, "SIGN_KEY_PREFIXES": "users/{sub}/",
		"STS_MODE": "assume-role", "STS_ROLE_ARN": testRole, "STS_ENDPOINT": fake.Endpoint()}}
	env.set(roleKeys("1"))
	cfg, err := LoadConfig(env.get)
	require.NoError(t, err)
	cfg.Auth = callerAuth{}
	svc, err := New(cfg, Options{Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), CredentialsPerInvocation: true})
	require.NoError(t, err)
	f := &fixture{t: t, svc: svc, cfg: cfg}

	// vend asks for credentials for caller, and says which keys signed the
	// call to STS it made ("" for none).
	vend := func(caller, body string) (answer, string) {
		t.Helper()
		before := len(fake.Vended())
		a := f.serve(&Request{Method: "POST", Path: "/sts", Body: []byte(body), Header: map[string]string{"content-type": "application/json", "x-test-caller": caller}})
		if a.status != 200 || len(fake.Vended()) == before {
			return a, ""
		}
		return a, fake.Vended()[before].SignedBy
	}

	a, by := vend("alice", `{"ext":"png"}`)
	require.Equal(t, 200, a.status, "%s %v", a.body, fake.Refused())
	assert.Equal(t, id1, by)
	alice, by := vend("alice", `{}`)
	require.Equal(t, 200, alice.status, "%s", alice.body)
	assert.Equal(t, id1, by)

	// The next invocation brings new role keys; the old ones are gone.
	id2, key2, tok2 := role("2")
	env.set(roleKeys("2"))
	fake.Rotate(id2, key2, tok2)
	a, by = vend("bob", `{}`)
	require.Equal(t, 200, a.status, "the call is signed with the keys of this invocation: %s %v", a.body, fake.Refused())
	assert.Equal(t, id2, by)
	again, by := vend("alice", `{}`)
	require.Equal(t, 200, again.status, "%s", again.body)
	assert.Empty(t, by, "no call")
	assert.Equal(t, alice.str("TmpSecretId"), again.str("TmpSecretId"), "credentials vended under the earlier keys stay valid until their own expiry")

	// Keys past their known expiry sign no call: STS would refuse it.
	calls := fake.Calls()
	env.set(map[string]string{"COS_CREDENTIALS_EXPIRATION": strconv.FormatInt(testNow.Unix(), 10)})
	a, _ = vend("carol", `{}`)
	assert.Equal(t, 503, a.status, "%s", a.body)
	assert.Equal(t, "CredentialsExpired", a.code())
	assert.Equal(t, calls, fake.Calls(), "no call to STS")

	// Fresh keys in the next invocation: STS is asked at once.
	id3, key3, tok3 := role("3")
	env.set(roleKeys("3"))
	env.set(map[string]string{"COS_CREDENTIALS_EXPIRATION": strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10)})
	fake.Rotate(id3, key3, tok3)
	a, by = vend("carol", `{"ext":"png"}`)
	require.Equal(t, 200, a.status, "%s %v", a.body, fake.Refused())
	assert.Equal(t, id3, by)
	var ans sts.Answer
	require.NoError(t, json.Unmarshal(a.body, &ans))
	v, ok := fake.Lookup(ans.TmpSecretID)
	require.True(t, ok)
	assert.Equal(t, "carol", v.SessionName)
	assert.Empty(t, fake.Refused(), "no call was signed with keys the account no longer accepts")
}

// callerAuth authenticates whoever x-test-caller names.
type callerAuth struct{}

func (callerAuth) Mode() string { return "stub" }
func (callerAuth) Authenticate(h map[string]string, _ map[string]any, _ time.Time) (*auth.Identity, error) {
	if c := h["x-test-caller"]; c != "" {
		return &auth.Identity{Subject: c}, nil
	}
	return nil, nil
}
