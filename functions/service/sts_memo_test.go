package service

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/sts"
)

// A derived policy is reused only for the same caller, form and inputs:
// another caller, the scope form, or the same items from a caller they do
// not fit derive their own (or are refused), and what is kept is what STS
// was sent.
func TestSTSPolicyDerivedOncePerCallerAndForm(t *testing.T) {
	f, fake := stsFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,drop/=PUT,public/=GET|HEAD", "STS_ALLOW_ANONYMOUS": "true"}, "")
	f.cfg.Auth = callerAuth{}
	f = newFixtureCfg(t, f.cfg)
	ask := func(caller, body string) answer {
		t.Helper()
		return f.serve(&Request{Method: "POST", Path: "/sts", Body: []byte(body), Header: map[string]string{"content-type": "application/json", "x-test-caller": caller}})
	}
	memoized := func() int {
		f.svc.stsPolicies.mu.Lock()
		defer f.svc.stsPolicies.mu.Unlock()
		return len(f.svc.stsPolicies.m)
	}
	lastPolicy := func() string { v := fake.Vended(); return v[len(v)-1].PolicyText }
	const bucketRes = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/"

	for i := range 3 {
		a := ask("alice", `{}`)
		require.Equal(t, 200, a.status, "%s", a.body)
		assert.Equal(t, 1, memoized(), "request %d", i)
	}
	alice := lastPolicy()
	assert.Contains(t, alice, bucketRes+"users/alice/*")

	b := ask("bob", `{}`)
	require.Equal(t, 200, b.status, "%s", b.body)
	bob := lastPolicy()
	assert.Contains(t, bob, bucketRes+"users/bob/*")
	assert.NotContains(t, bob, "users/alice/")
	anon := ask("", `{}`)
	require.Equal(t, 200, anon.status, "%s", anon.body)
	assert.NotContains(t, lastPolicy(), "users/")
	assert.NotContains(t, lastPolicy(), "PutObject", "anonymous callers may not write (SIGN_ALLOW_ANONYMOUS_WRITES is false)")
	assert.Equal(t, 3, memoized())

	for k, d := range f.svc.stsPolicies.m {
		if strings.Contains(k, ":alice") {
			assert.Equal(t, alice, d.policy.JSON(), "what is kept is what STS was sent")
		}
	}

	scope := `{"Scope":[{"action":"name/cos:PutObject","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"users/alice/a.png"}]}`
	a := ask("alice", scope)
	require.Equal(t, 200, a.status, "%s", a.body)
	assert.Equal(t, 4, memoized())
	refused := ask("bob", scope)
	assert.Equal(t, 403, refused.status, "alice's scope is not bob's: %s", refused.body)
	assert.Equal(t, "ScopeNotAllowed", refused.code())
	again := ask("alice", scope)
	require.Equal(t, 200, again.status, "%s", again.body)
	assert.Equal(t, 4, memoized(), "refusals are not kept; the same scope is derived once")
}

// The memo is bounded: when full it starts again.
func TestPolicyMemoIsBounded(t *testing.T) {
	var m policyMemo
	p := &sts.Policy{Version: "2.0"}
	for i := range maxMemoPolicies + 10 {
		m.put(strconv.Itoa(i), derived{bucket: "b", policy: p})
	}
	assert.LessOrEqual(t, len(m.m), maxMemoPolicies)
	_, ok := m.get(strconv.Itoa(maxMemoPolicies + 9))
	assert.True(t, ok)
}
