package service

import (
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/signer"
)

// platformEnv is an environment the platform changes while the instance
// lives, as SCF does with each invocation's role keys.
type platformEnv struct {
	mu sync.Mutex
	m  map[string]string
}

func (e *platformEnv) get(k string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[k]
}

func (e *platformEnv) set(kv map[string]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range kv {
		e.m[k] = v
	}
}

func roleKeys(n string) map[string]string {
	return map[string]string{"TENCENTCLOUD_SECRETID": "AKIDrole" + n + "EXAMPLEEXAMPLEEXAMPLE", "TENCENTCLOUD_SECRETKEY": "roleKey" + n + "EXAMPLEEXAMPLEEXAMPLE",
		"TENCENTCLOUD_SESSIONTOKEN": "roleToken" + n + "-EXAMPLE"}
}

// presignedWith checks a presigned URL against the one a signer with the
// given role keys computes from the same inputs and the answer's window.
func presignedWith(t *testing.T, a answer, keys map[string]string, key string) {
	t.Helper()
	require.Equal(t, 200, a.status, "%s", a.body)
	ref, err := signer.New(signer.Credentials{SecretID: keys["TENCENTCLOUD_SECRETID"], SecretKey: keys["TENCENTCLOUD_SECRETKEY"],
		SessionToken: keys["TENCENTCLOUD_SESSIONTOKEN"]}, signer.Endpoint{Region: testRegion})
	require.NoError(t, err)
	want, err := ref.PresignURL(&signer.Request{Method: "GET", Bucket: testBucket, Key: key, Window: windowOf(t, a)})
	require.NoError(t, err)
	require.Equal(t, want.URL, a.str("url"))
}

func roleService(t *testing.T, env *platformEnv, perInvocation bool, now func() time.Time) *fixture {
	t.Helper()
	cfg, err := LoadConfig(env.get)
	require.NoError(t, err)
	svc, err := New(cfg, Options{Now: now, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), CredentialsPerInvocation: perInvocation})
	require.NoError(t, err)
	return &fixture{t: t, svc: svc, cfg: cfg}
}

// On SCF the role's keys arrive with each invocation: a request is signed
// with the keys of its own invocation, not those the instance started with.
func TestRoleKeysAreReadPerInvocation(t *testing.T) {
	env := &platformEnv{m: map[string]string{"COS_BUCKET": testBucket, "COS_REGION": testRegion}}
	env.set(roleKeys("1"))
	f := roleService(t, env, true, func() time.Time { return testNow })
	q := url.Values{"key": {"a.txt"}}

	presignedWith(t, f.get("/presign", q), roleKeys("1"), "a.txt")
	env.set(roleKeys("2"))
	a := f.get("/presign", q)
	presignedWith(t, a, roleKeys("2"), "a.txt")
	assert.Contains(t, a.str("url"), "x-cos-security-token=roleToken2-EXAMPLE")
	au := f.post("/auth", `{"method":"GET","key":"a.txt"}`)
	require.Equal(t, 200, au.status, "%s", au.body)
	assert.Contains(t, au.str("authorization"), "q-ak=AKIDrole2")
	assert.Equal(t, "roleToken2-EXAMPLE", au.str("securityToken"))

	// Keys the platform took away: 503 naming what to set, not a signature
	// with the old ones.
	env.set(map[string]string{"TENCENTCLOUD_SECRETID": "", "TENCENTCLOUD_SECRETKEY": "", "TENCENTCLOUD_SESSIONTOKEN": ""})
	a = f.get("/presign", q)
	assert.Equal(t, 503, a.status)
	assert.Contains(t, a.message(), "TENCENTCLOUD_SECRETID")
	env.set(roleKeys("3"))
	presignedWith(t, f.get("/presign", q), roleKeys("3"), "a.txt")
}

// Where the keys are fixed for the instance's life (Lambda's COS_*, a web
// server's environment), they are read once.
func TestFixedKeysAreReadOnce(t *testing.T) {
	env := &platformEnv{m: map[string]string{"COS_BUCKET": testBucket, "COS_REGION": testRegion}}
	env.set(roleKeys("1"))
	f := roleService(t, env, false, func() time.Time { return testNow })
	env.set(roleKeys("2"))
	presignedWith(t, f.get("/presign", url.Values{"key": {"a.txt"}}), roleKeys("1"), "a.txt")
}

// Credentials whose expiry is known never sign past it, and no signature's
// window outlives them: COS would refuse it once the key has expired.
func TestExpiringCredentials(t *testing.T) {
	expires := testNow.Add(120 * time.Second)
	clock := testNow
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	setClock := func(t time.Time) { mu.Lock(); clock = t; mu.Unlock() }

	env := &platformEnv{m: map[string]string{"COS_BUCKET": testBucket, "COS_REGION": testRegion,
		"COS_CREDENTIALS_EXPIRATION": strconv.FormatInt(expires.Unix(), 10), "SIGN_ALLOW_ANONYMOUS_WRITES": "true"}}
	env.set(roleKeys("1"))
	for _, perInvocation := range []bool{false, true} {
		setClock(testNow)
		f := roleService(t, env, perInvocation, now)

		a := f.get("/presign", url.Values{"key": {"a.txt"}, "expired": {"600"}})
		presignedWith(t, a, roleKeys("1"), "a.txt")
		assert.Equal(t, expires.Unix(), a.num("expiredTime"), "capped at the credentials' expiry")
		a = f.post("/auth", `{"method":"PUT","key":"a.txt","expired":3600}`)
		require.Equal(t, 200, a.status, "%s", a.body)
		assert.Equal(t, expires.Unix(), a.num("expiredTime"))
		a = f.post("/post-policy", `{"key":"a.txt","contentLength":10}`)
		require.Equal(t, 200, a.status, "%s", a.body)
		assert.Equal(t, expires.Unix(), a.num("expiredTime"))
		a = f.get("/presign", url.Values{"key": {"a.txt"}, "expired": {"60"}})
		assert.Equal(t, testNow.Unix()+60, a.num("expiredTime"), "a shorter window is left alone")

		setClock(expires.Add(-30 * time.Second))
		a = f.get("/presign", url.Values{"key": {"a.txt"}})
		assert.Equal(t, expires.Unix(), a.num("expiredTime"))

		setClock(expires)
		a = f.get("/presign", url.Values{"key": {"a.txt"}})
		assert.Equal(t, 503, a.status)
		assert.Equal(t, "CredentialsExpired", a.code())
		assert.Contains(t, a.message(), "COS_CREDENTIALS_EXPIRATION")
		assert.NotContains(t, string(a.body), "roleKey1")
		a = f.post("/batch", `{"requests":[{"key":"a.txt"}]}`)
		assert.Contains(t, string(a.body), "CredentialsExpired")
	}

	// On SCF the next invocation brings fresh keys and their expiry.
	f := roleService(t, env, true, now)
	later := expires.Add(time.Hour)
	env.set(roleKeys("2"))
	env.set(map[string]string{"COS_CREDENTIALS_EXPIRATION": later.UTC().Format(time.RFC3339)})
	a := f.get("/presign", url.Values{"key": {"a.txt"}, "expired": {"600"}})
	presignedWith(t, a, roleKeys("2"), "a.txt")
	assert.Equal(t, expires.Unix()+600, a.num("expiredTime"))
}

func TestCredentialsExpirationMustBeATime(t *testing.T) {
	for _, v := range []string{"tomorrow", "2026-12-05", "-5", "1.5e9"} {
		env := baseEnv()
		env["COS_CREDENTIALS_EXPIRATION"] = v
		_, err := LoadConfig(func(k string) string { return env[k] })
		require.ErrorContains(t, err, "COS_CREDENTIALS_EXPIRATION", v)
	}
	for _, v := range []string{"1795377600", "2026-12-05T10:00:00Z", "2026-12-05T18:00:00+08:00"} {
		env := baseEnv()
		env["COS_CREDENTIALS_EXPIRATION"] = v
		cfg, err := LoadConfig(func(k string) string { return env[k] })
		require.NoError(t, err, v)
		assert.False(t, cfg.CredentialsExpiration.IsZero(), v)
	}
}
