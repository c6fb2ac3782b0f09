package sts

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/fakests"
	"github.com/cos-signer/cos-signer/signer"
)

func TestVendBothModesThroughTheSDK(t *testing.T) {
	for _, m := range []struct {
		mode   string
		keys   signer.Credentials
		action string
	}{
		{ModeFederation, permanentKeys, "GetFederationToken"},
		{ModeAssumeRole, roleKeys, "AssumeRole"},
	} {
		t.Run(m.mode, func(t *testing.T) {
			f := newFixture(t, m.mode, m.keys)
			p := alicePolicy(t)
			c, hit := vend(t, f, "alice", p)
			assert.False(t, hit)
			v := f.fake.Vended()
			require.Len(t, v, 1)
			assert.Equal(t, m.action, v[0].Action)
			assert.Equal(t, p.JSON(), v[0].PolicyText, "STS decodes exactly the policy built")
			assert.Equal(t, int64(1800), v[0].Duration)
			assert.Equal(t, v[0].TmpSecretID, c.TmpSecretID)
			assert.Equal(t, v[0].TmpSecretKey, c.TmpSecretKey)
			assert.Equal(t, v[0].Token, c.Token)
			assert.Equal(t, v[0].ExpiredTime, c.ExpiredTime)
			assert.Equal(t, v[0].RequestID, c.RequestID)
			assert.Equal(t, time.Unix(c.ExpiredTime, 0).UTC().Format("2006-01-02T15:04:05Z"), c.Expiration)
			if m.mode == ModeAssumeRole {
				assert.Equal(t, "alice", v[0].SessionName)
			} else {
				assert.Equal(t, FederationName, v[0].SessionName)
			}
		})
	}
}

func TestVendAWrongKeyIsRefusedBySTS(t *testing.T) {
	f := newFixture(t, ModeFederation, signer.Credentials{SecretID: "AKIDservice", SecretKey: "not-the-secret"})
	_, _, err := f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
	require.NotNil(t, err)
	assert.Equal(t, "STSRefused", err.Code)
	assert.Equal(t, http.StatusBadGateway, err.Status)
	assert.Equal(t, "AuthFailure.SignatureFailure", err.STSCode)
	assert.Empty(t, f.fake.Vended())

	// A token the account does not know, in assume-role mode.
	g := newFixture(t, ModeAssumeRole, roleKeys)
	g.vendor.issuer = NewClient(g.vendor.cfg, FixedKeys(signer.Credentials{SecretID: "AKIDservice", SecretKey: "service-secret", SessionToken: "stale"}))
	_, _, err = g.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
	require.NotNil(t, err)
	assert.Equal(t, "AuthFailure.TokenFailure", err.STSCode)
}

func TestSessionName(t *testing.T) {
	assert.Equal(t, "alice@example.com", SessionName("alice@example.com"))
	assert.Equal(t, "h-anonymous", SessionName(""))
	for _, s := range []string{"ab", "A_b+=,.@-9", strings.Repeat("x", 128), "anonymous"} {
		assert.Equal(t, s, SessionName(s))
	}
	// Finding 6: no name used as it is equals a hashed one or the
	// anonymous one.
	hashed := SessionName("alice smith")
	assert.NotEqual(t, hashed, SessionName(hashed))
	assert.NotEqual(t, SessionName(""), SessionName("anonymous"))
	assert.NotEqual(t, SessionName(""), SessionName("h-anonymous"))
	for _, s := range []string{"a", "用户", "a b", strings.Repeat("x", 129), "h-abc", "H-anonymous"} {
		n := SessionName(s)
		assert.True(t, strings.HasPrefix(n, "h-") && len(n) == 66, n)
	}
}

func TestCacheReusesWhileHalfTheLifetimeRemains(t *testing.T) {
	f := newFixture(t, ModeFederation, permanentKeys)
	p := alicePolicy(t)
	first, _ := vend(t, f, "alice", p)
	for i := 0; i < 99; i++ {
		c, hit := vend(t, f, "alice", p)
		require.True(t, hit)
		require.Equal(t, first, c)
	}
	assert.Equal(t, 1, f.fake.Calls(), "STS calls per 100 requests of one caller and policy")

	_, hit := vend(t, f, "bob", p)
	assert.False(t, hit, "another caller, another call")
	other, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/", Actions: []string{ActHeadObject}}}, Limits{})
	require.NoError(t, err)
	_, hit = vend(t, f, "alice", other)
	assert.False(t, hit, "another policy, another call")
	assert.Equal(t, 3, f.fake.Calls())

	f.clock.Add(900 * time.Second) // exactly half of 1800 s remains
	_, hit = vend(t, f, "alice", p)
	assert.True(t, hit)
	f.clock.Add(time.Second)
	c, hit := vend(t, f, "alice", p)
	assert.False(t, hit, "less than half remains: refreshed")
	assert.NotEqual(t, first.TmpSecretID, c.TmpSecretID)
	assert.Equal(t, 4, f.fake.Calls())

	key, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/k.png", Actions: []string{ActPutObject}}}, Limits{})
	require.NoError(t, err)
	_, hit, verr := f.vendor.Vend(context.Background(), "alice", key, false)
	require.Nil(t, verr)
	assert.True(t, hit, "a key under alice's folder: the folder's credentials cover it")
	_, hit, verr = f.vendor.Vend(context.Background(), "bob", key, false)
	require.Nil(t, verr)
	assert.False(t, hit, "another caller's credentials never do")
	_, hit, _ = f.vendor.Vend(context.Background(), "bob", key, false)
	assert.False(t, hit, "not stored: a key-form policy never repeats")
	assert.Equal(t, 6, f.fake.Calls())
}

func TestConcurrentMissesMakeOneCall(t *testing.T) {
	f := newFixture(t, ModeAssumeRole, roleKeys)
	p := alicePolicy(t)
	release := f.fake.Hold()
	var wg sync.WaitGroup
	got := make([]Credentials, 20)
	hits := make([]bool, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, hit, err := f.vendor.Vend(context.Background(), "alice", p, true)
			assert.Nil(t, err)
			got[i], hits[i] = c, hit
		}()
	}
	require.Eventually(t, func() bool { return f.fake.Calls() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // let the others reach the wait
	release()
	wg.Wait()
	assert.Equal(t, 1, f.fake.Calls())
	misses := 0
	for i := range got {
		assert.Equal(t, got[0], got[i])
		if !hits[i] {
			misses++
		}
	}
	assert.Equal(t, 1, misses, "one request made the call")
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		fail    fakests.Failure
		status  int
		code    string
		stsCode string
		retry   int
	}{
		{fakests.Failure{Code: "InvalidParameter.GrantOtherResource"}, 502, "STSRefused", "InvalidParameter.GrantOtherResource", 0},
		{fakests.Failure{Code: "InvalidParameter.OverTimeError"}, 502, "STSRefused", "InvalidParameter.OverTimeError", 0},
		{fakests.Failure{Code: "RequestLimitExceeded"}, 503, "STSThrottled", "RequestLimitExceeded", 1},
		{fakests.Failure{Status: 502}, 502, "STSUnavailable", "", 0},
		{fakests.Failure{Drop: true}, 502, "STSUnavailable", "", 0},
		{fakests.Failure{Delay: 2 * time.Second}, 502, "STSUnavailable", "", 0},
	}
	for _, c := range cases {
		f := newFixture(t, ModeFederation, permanentKeys)
		f.vendor.timeout = 300 * time.Millisecond
		f.fake.Fail(c.fail)
		_, _, err := f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
		require.NotNil(t, err, "%+v", c.fail)
		assert.Equal(t, c.status, err.Status, "%+v", c.fail)
		assert.Equal(t, c.code, err.Code, "%+v", c.fail)
		assert.Equal(t, c.stsCode, err.STSCode, "%+v", c.fail)
		assert.Equal(t, c.retry, err.RetryAfter)
		b, _ := json.Marshal(err)
		for _, leak := range []string{"injected", "leak", "TmpSecretKey", "service-secret", "Fail to", "TencentCloudSDKError"} {
			assert.NotContains(t, string(b)+err.Error(), leak, "%+v", c.fail)
		}
		// Finding 5: the failure is remembered, so the next request makes
		// no call...
		calls := f.fake.Calls()
		_, hit, again := f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
		require.NotNil(t, again)
		assert.True(t, hit)
		assert.Equal(t, c.code, again.Code)
		assert.Equal(t, calls, f.fake.Calls(), "%+v: no call while the failure is remembered", c.fail)
		// ...until its backoff has run out: then one call, which succeeds.
		f.clock.Add(backoffMax*3/2 + time.Second)
		_, hit = vend(t, f, "alice", alicePolicy(t))
		assert.False(t, hit)
	}
}

// Finding 5: while STS throttles, new callers do not call it at the rate
// of requests: the breaker lets one trial through per backoff.
func TestBreakerHoldsCallsWhileSTSFails(t *testing.T) {
	for _, fail := range []fakests.Failure{{Code: "RequestLimitExceeded"}, {Status: 503}, {Code: "InternalError"}} {
		f := newFixture(t, ModeFederation, permanentKeys)
		f.vendor.jitter = func() float64 { return 0 }
		stop := f.fake.FailAlways(fail)
		var last *Error
		for i := 0; i < 200; i++ { // 200 callers, 10 s of the test clock
			_, _, last = f.vendor.Vend(context.Background(), "caller"+strconv.Itoa(i), alicePolicy(t), true)
			require.NotNil(t, last)
			f.clock.Add(50 * time.Millisecond)
		}
		if fail.Code == "InternalError" { // a refusal of one policy is remembered for that caller only
			assert.Equal(t, 200, f.fake.Calls())
			stop()
			continue
		}
		// 1 s, 2 s, 4 s backoffs: calls at 0, 1, 3 and 7 s.
		assert.Equal(t, 4, f.fake.Calls(), "%+v: STS calls during 10 s of failure from 200 new callers", fail)
		assert.GreaterOrEqual(t, last.RetryAfter, 1)
		stop()
		f.clock.Add(10 * time.Second)
		_, hit := vend(t, f, "late", alicePolicy(t))
		assert.False(t, hit, "recovery at the first call after the backoff")
		_, _, err := f.vendor.Vend(context.Background(), "later", alicePolicy(t), true)
		assert.Nil(t, err, "closed again")
	}
}

// Finding 4: a caller's STS calls are rate-limited; beyond, 429 with
// Retry-After, and a refilled bucket calls again.
func TestCallerRateLimit(t *testing.T) {
	f := newFixture(t, ModeFederation, permanentKeys)
	f.vendor.cfg.CallerRate, f.vendor.cfg.CallerBurst = 6, 3 // one call every 10 s
	for i := 0; i < 3; i++ {
		p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/k" + strconv.Itoa(i), Actions: []string{ActPutObject}}}, Limits{})
		require.NoError(t, err)
		_, _, verr := f.vendor.Vend(context.Background(), "alice", p, true)
		require.Nil(t, verr)
	}
	p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/k9", Actions: []string{ActPutObject}}}, Limits{})
	require.NoError(t, err)
	_, hit, verr := f.vendor.Vend(context.Background(), "alice", p, true)
	require.NotNil(t, verr)
	assert.True(t, hit)
	assert.Equal(t, 429, verr.Status)
	assert.Equal(t, "STSRateLimited", verr.Code)
	assert.Equal(t, 10, verr.RetryAfter)
	assert.Equal(t, 3, f.fake.Calls())
	_, _, verr = f.vendor.Vend(context.Background(), "bob", p, true)
	assert.Nil(t, verr, "another caller has a bucket of its own")
	_, _, verr = f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
	assert.NotNil(t, verr)
	f.clock.Add(10 * time.Second)
	_, hit, verr = f.vendor.Vend(context.Background(), "alice", p, true)
	assert.Nil(t, verr)
	assert.False(t, hit)
}

func TestAnswerShape(t *testing.T) {
	now := time.Unix(1700000000, 0)
	a := NewAnswer(Credentials{TmpSecretID: "AKIDtmp", TmpSecretKey: "k", Token: "tok", ExpiredTime: 1700001800, Expiration: "2023-11-14T22:43:20Z", RequestID: "r"}, now)
	a.ScopeLimit = true
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"k","SecurityToken":"tok","StartTime":1700000000,"ExpiredTime":1700001800,
		"ScopeLimit":true,"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"k","sessionToken":"tok"},
		"startTime":1700000000,"expiredTime":1700001800,"expiration":"2023-11-14T22:43:20Z","serverTime":1700000000}`, string(b))
}

// countingIssuer vends distinct credentials without STS, for the cache's
// own bookkeeping.
type countingIssuer struct {
	mu    sync.Mutex
	calls int
	now   func() time.Time
}

func (c *countingIssuer) Issue(_ context.Context, call Call) (Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return Credentials{TmpSecretID: "AKID" + strconv.Itoa(c.calls), ExpiredTime: c.now().Unix() + call.Duration}, nil
}

func TestCacheStaysBounded(t *testing.T) {
	ck := &clock{t: time.Unix(1700000000, 0)}
	iss := &countingIssuer{now: ck.Now}
	v := NewVendor(Config{Mode: ModeFederation, Duration: 1800, Region: testRegion}, iss, ck.Now)
	p := alicePolicy(t)
	for i := 0; i < MaxCacheEntries+200; i++ {
		_, _, err := v.Vend(context.Background(), "user"+strconv.Itoa(i), p, true)
		require.Nil(t, err)
	}
	assert.LessOrEqual(t, len(v.entries), MaxCacheEntries)
	assert.Equal(t, MaxCacheEntries+200, iss.calls)
	// The newest callers are still cached.
	_, hit, _ := v.Vend(context.Background(), "user"+strconv.Itoa(MaxCacheEntries+199), p, true)
	assert.True(t, hit)
}

func TestClientIsBuiltOnFirstCall(t *testing.T) {
	f := newFixture(t, ModeFederation, permanentKeys)
	c := f.vendor.issuer.(*client)
	assert.Nil(t, c.sdk, "a cold start that serves no /sts builds no SDK client")
	vend(t, f, "alice", alicePolicy(t))
	assert.NotNil(t, c.sdk)
}

// loadFor runs TestThrottledLoad (not in make test: it takes that long):
// go test ./functions/sts -run TestThrottledLoad -v -sts.load 5s
var loadFor = flag.Duration("sts.load", 0, "run TestThrottledLoad for this long")

// TestThrottledLoad measures the STS calls a second one instance makes
// while STS answers every call RequestLimitExceeded and 50 new callers ask
// for credentials as fast as they are answered (real clock, real SDK,
// real HTTP to the fake STS; finding 5).
func TestThrottledLoad(t *testing.T) {
	if *loadFor == 0 {
		t.Skip("a measurement: run with -sts.load 5s")
	}
	f := newFixture(t, ModeFederation, permanentKeys)
	f.vendor.now = time.Now
	stop := f.fake.FailAlways(fakests.Failure{Code: "RequestLimitExceeded"})
	defer stop()
	var requests, throttled atomic.Int64
	deadline := time.Now().Add(*loadFor)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				_, _, err := f.vendor.Vend(context.Background(), "new-caller-"+strconv.Itoa(i), alicePolicy(t), true)
				requests.Add(1)
				if err != nil && err.Code == "STSThrottled" && err.RetryAfter >= 1 {
					throttled.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	calls := f.fake.Calls()
	t.Logf("%v of RequestLimitExceeded, 50 new callers: %d requests (%d answered 503 STSThrottled with Retry-After), %d STS calls, %.1f STS calls/s",
		*loadFor, requests.Load(), throttled.Load(), calls, float64(calls)/loadFor.Seconds())
	assert.Equal(t, requests.Load(), throttled.Load())
	assert.LessOrEqual(t, float64(calls)/loadFor.Seconds(), 3.0, "a few STS calls a second per instance")
}

// A burst of new callers while STS fails costs at most maxInFlight calls:
// the rest wait for a slot and then find the breaker open.
func TestBurstOfNewCallersWhileSTSFails(t *testing.T) {
	f := newFixture(t, ModeFederation, permanentKeys)
	defer f.fake.FailAlways(fakests.Failure{Code: "RequestLimitExceeded"})()
	release := f.fake.Hold()
	var wg sync.WaitGroup
	errs := make([]*Error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = f.vendor.Vend(context.Background(), "caller"+strconv.Itoa(i), alicePolicy(t), true)
		}()
	}
	require.Eventually(t, func() bool { return f.fake.Calls() == maxInFlight }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, maxInFlight, f.fake.Calls(), "the others wait for a slot")
	release()
	wg.Wait()
	assert.Equal(t, maxInFlight, f.fake.Calls(), "and then find the breaker open")
	for _, err := range errs {
		require.NotNil(t, err)
		assert.Equal(t, "STSThrottled", err.Code)
	}
}

// Keys that cannot sign (gone, or past their known expiry) are the answer
// without a call; they say nothing about STS's health, so the breaker stays
// closed and the next call with usable keys goes out at once, signed with
// them.
func TestKeysThatCannotSignMakeNoCall(t *testing.T) {
	f := newFixture(t, ModeAssumeRole, roleKeys)
	expired := &Error{Status: http.StatusServiceUnavailable, Code: "CredentialsExpired", Message: "the service's credentials expired"}
	var keysErr error = expired
	f.vendor.issuer = NewClient(f.vendor.cfg, func() (signer.Credentials, error) {
		if keysErr != nil {
			return signer.Credentials{}, keysErr
		}
		return signer.Credentials{SecretID: "AKIDnext", SecretKey: "next-secret", SessionToken: "next-token"}, nil
	})
	for range 3 {
		_, _, err := f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
		require.NotNil(t, err)
		assert.Equal(t, expired, err)
	}
	assert.Zero(t, f.fake.Calls())

	keysErr = nil
	f.fake.Rotate("AKIDnext", "next-secret", "next-token")
	c, hit, err := f.vendor.Vend(context.Background(), "alice", alicePolicy(t), true)
	require.Nil(t, err, "%v", f.fake.Refused())
	assert.False(t, hit)
	v, ok := f.fake.Lookup(c.TmpSecretID)
	require.True(t, ok)
	assert.Equal(t, "AKIDnext", v.SignedBy)
}
