package service

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakests"
)

const testRole = "qcs::cam::uin/100000000001:roleName/cos-uploader"

var camScope = campolicy.Scope{Region: testRegion, AppID: "1250000000", Bucket: testBucket}

// stsFixture is a service with /sts on against a fake STS, its callers
// authenticated as sub ("" anonymous).
func stsFixture(t testing.TB, over map[string]string, sub string) (*fixture, *fakests.Server) {
	t.Helper()
	token := over["COS_SESSION_TOKEN"]
	fake := fakests.New(t, fakests.Options{SecretID: testSecretID, SecretKey: testSecretKey, Token: token,
		Region: testRegion, Scope: camScope, RoleARN: testRole})
	env := map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": fake.Endpoint(), "SIGN_KEY_PREFIXES": "users/{sub},public/"}
	if token != "" {
		env["STS_MODE"], env["STS_ROLE_ARN"] = "assume-role", testRole
	}
	for k, v := range over {
		env[k] = v
	}
	f := newFixture(t, env)
	if sub != "" {
		f.cfg.Auth = stubAuth{id: &auth.Identity{Subject: sub}}
		f = newFixtureCfg(t, f.cfg)
	}
	return f, fake
}

func TestSTSAnswerShapeEveryForm(t *testing.T) {
	f, fake := stsFixture(t, nil, "alice")
	check := func(a answer) sts.Answer {
		t.Helper()
		require.Equal(t, 200, a.status, "%s", a.body)
		var ans sts.Answer
		require.NoError(t, json.Unmarshal(a.body, &ans))
		v, ok := fake.Lookup(ans.TmpSecretID)
		require.True(t, ok, "the answer holds what STS vended")
		assert.Equal(t, v.TmpSecretKey, ans.TmpSecretKey)
		assert.Equal(t, v.Token, ans.SecurityToken)
		assert.Equal(t, v.ExpiredTime, ans.ExpiredTime)
		assert.Equal(t, testNow.Unix(), ans.StartTime, "StartTime is the server's time of the answer")
		assert.Equal(t, sts.DemoCreds{TmpSecretID: v.TmpSecretID, TmpSecretKey: v.TmpSecretKey, SessionToken: v.Token}, ans.Credentials)
		assert.Equal(t, ans.StartTime, ans.StartTimeDemo)
		assert.Equal(t, ans.ExpiredTime, ans.ExpiredDemo)
		assert.Equal(t, time.Unix(v.ExpiredTime, 0).UTC().Format("2006-01-02T15:04:05Z"), ans.Expiration)
		assert.Equal(t, testNow.Unix(), ans.ServerTime)
		assert.Len(t, strconv.FormatInt(ans.StartTime, 10), 10)
		assert.Equal(t, "no-store", a.header["Cache-Control"])
		return ans
	}

	// The key form first: no cached credentials cover it yet.
	key := check(f.post("/sts", `{"ext":"png"}`))
	assert.Equal(t, testBucket, key.Bucket)
	assert.Equal(t, testRegion, key.Region)
	assert.Regexp(t, `^users/alice/[0-9a-f]{32}\.png$`, key.Key)
	last := fake.Vended()[len(fake.Vended())-1]
	assert.Equal(t, []string{"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/" + key.Key}, resources(last.Policy))

	scope := check(f.post("/sts", `{"Bucket":"examplebucket-1250000000","Region":"ap-guangzhou","Key":"users/alice/a.png","Method":"PUT",
		"Scope":[{"action":"name/cos:PutObject","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"users/alice/a.png"}],
		"SystemClockOffset":0}`))
	assert.True(t, scope.ScopeLimit)
	last = fake.Vended()[len(fake.Vended())-1]
	assert.Equal(t, []string{"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/a.png"}, resources(last.Policy))
	for _, st := range last.Policy.Statement {
		if st.Effect == "allow" {
			assert.Equal(t, []string{sts.ActPutObject}, st.Action, "exactly the action named")
		}
	}

	prefix := check(f.post("/sts", `{}`))
	assert.False(t, prefix.ScopeLimit)
	assert.Empty(t, prefix.Key)
	get := check(f.get("/sts", nil))
	assert.Equal(t, prefix.TmpSecretID, get.TmpSecretID, "GET and POST of the same caller share the cache")
	again := check(f.post("/sts", `{"ext":"png"}`))
	assert.Equal(t, prefix.TmpSecretID, again.TmpSecretID, "the prefix form's credentials cover a key under it")
	assert.NotEqual(t, key.Key, again.Key)

	raw, err := f.svc.Invoke(context.Background(), []byte(`{"action":"sts"}`))
	require.NoError(t, err)
	var direct sts.Answer
	require.NoError(t, json.Unmarshal(raw, &direct))
	assert.Equal(t, prefix.TmpSecretID, direct.TmpSecretID, "direct invocation, same caller and policy: cached")
}

func resources(p *campolicy.Policy) []string {
	var out []string
	for _, st := range p.Statement {
		if st.Effect == "allow" {
			for _, r := range st.Resource {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

func TestSTSPrefixFormPolicy(t *testing.T) {
	f, fake := stsFixture(t, map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "image/*,application/pdf", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice")
	require.Equal(t, 200, f.post("/sts", `{}`).status)
	v := fake.Vended()[0]
	assert.Equal(t, []string{
		"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/*",
		"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/public/*",
	}, resources(v.Policy))
	assert.NotContains(t, v.PolicyText, "PostObject", "a type or size limit: no PostObject")
	assert.Contains(t, v.PolicyText, `"string_equal":{"cos:content-type":["application/pdf","`+strings.Join(sts.ImageTypes, `","`)+`"]}`)
	assert.Contains(t, v.PolicyText, `"numeric_less_than_equal":{"cos:content-length":1048576}`)
	assert.NotContains(t, v.PolicyText, "_if_exist")
}

func TestSTSAnonymousGetsNoWrites(t *testing.T) {
	f, fake := stsFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "uploads/shared,public/", "STS_ALLOW_ANONYMOUS": "true"}, "")
	require.Equal(t, 200, f.get("/sts", nil).status)
	text := fake.Vended()[0].PolicyText
	assert.Contains(t, text, "name/cos:GetObject")
	for _, a := range []string{"PutObject", "PostObject", "UploadPart", "DeleteObject", "InitiateMultipartUpload"} {
		assert.NotContains(t, text, a)
	}
	// A {sub} prefix matches no anonymous caller.
	g, _ := stsFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}", "STS_ALLOW_ANONYMOUS": "true"}, "")
	a := g.post("/sts", `{}`)
	assert.Equal(t, 403, a.status)
	assert.Equal(t, "ScopeNotAllowed", a.code())

	h, fake2 := stsFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "uploads/shared", "SIGN_ALLOW_ANONYMOUS_WRITES": "true", "STS_ALLOW_ANONYMOUS": "true"}, "")
	require.Equal(t, 200, h.post("/sts", `{}`).status)
	assert.Contains(t, fake2.Vended()[0].PolicyText, "name/cos:PutObject")
}

func TestSTSDisabledAndMisconfigured(t *testing.T) {
	f := newFixture(t, nil)
	a := f.post("/sts", `{}`)
	assert.Equal(t, 403, a.status)
	assert.Equal(t, "STSDisabled", a.code())
	_, err := f.svc.Invoke(context.Background(), []byte(`{"action":"sts"}`))
	var ie *InvokeError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "STSDisabled", ie.Code)

	for _, c := range []struct {
		env  map[string]string
		name string
	}{
		{map[string]string{"STS_MODE": "federation", "COS_SESSION_TOKEN": testToken}, "STS_MODE"},
		{map[string]string{"STS_MODE": "assume-role"}, "STS_ROLE_ARN"},
		{map[string]string{"STS_MODE": "federation", "STS_DURATION": "200000"}, "STS_DURATION"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "http://sts.example.com"}, "STS_ENDPOINT"},
	} {
		env := baseEnv()
		for k, v := range c.env {
			env[k] = v
		}
		_, err := FromEnv(func(k string) string { return env[k] }, Options{})
		require.Error(t, err, "%v", c.env)
		assert.True(t, strings.HasPrefix(err.Error(), c.name+":"), err.Error())
		assert.NotContains(t, err.Error(), testSecretKey)
	}
}

func TestSTSErrorsAnswer(t *testing.T) {
	for _, c := range []struct {
		fail    fakests.Failure
		status  int
		code    string
		stsCode string
		retry   string
	}{
		{fakests.Failure{Code: "RequestLimitExceeded"}, 503, "STSThrottled", "RequestLimitExceeded", "1"},
		{fakests.Failure{Code: "InvalidParameter.GrantOtherResource"}, 502, "STSRefused", "InvalidParameter.GrantOtherResource", ""},
		{fakests.Failure{Status: 500}, 502, "STSUnavailable", "", ""},
	} {
		f, fake := stsFixture(t, nil, "alice")
		fake.Fail(c.fail)
		for i := 0; i < 2; i++ { // the second from memory (finding 5)
			a := f.post("/sts", `{}`)
			assert.Equal(t, c.status, a.status, "%+v", c.fail)
			assert.Equal(t, c.code, a.code())
			if c.retry != "" || i == 1 && c.code != "STSRefused" {
				assert.NotEmpty(t, a.header["Retry-After"], "%+v", c.fail)
			}
			if c.stsCode != "" {
				assert.Equal(t, c.stsCode, a.obj["error"].(map[string]any)["stsCode"])
			}
		}
		assert.Equal(t, 1, fake.Calls(), "%+v: the failure answers the next request without a call", c.fail)
		for _, leak := range []string{"injected", "leak", "TmpSecretKey="} {
			assert.NotContains(t, f.log.String(), leak)
		}
		if c.stsCode != "" {
			assert.Contains(t, f.log.String(), `"stsCode":"`+c.stsCode+`"`)
		}
	}
}

// TestSTSCallsPer100Requests measures the STS calls made for 100 /sts
// requests of one caller: the cache answers all but the first.
func TestSTSCallsPer100Requests(t *testing.T) {
	f, fake := stsFixture(t, nil, "alice")
	for i := 0; i < 100; i++ {
		require.Equal(t, 200, f.post("/sts", `{}`).status)
	}
	assert.Equal(t, 1, fake.Calls(), "STS calls per 100 /sts requests of one caller")
	t.Logf("STS calls per 100 /sts requests of one caller: %d", fake.Calls())
	hits := strings.Count(f.log.String(), `"cacheHit":true`)
	assert.Equal(t, 99, hits)

	// The key form names a fresh key each time, which the prefix form's
	// credentials cover.
	for i := 0; i < 3; i++ {
		require.Equal(t, 200, f.post("/sts", `{"ext":"jpg"}`).status)
	}
	assert.Equal(t, 1, fake.Calls())
}

func TestSTSLogLine(t *testing.T) {
	f, fake := stsFixture(t, nil, "alice")
	require.Equal(t, 200, f.post("/sts", `{}`).status)
	v := fake.Vended()[0]
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines(f.log.String())[0]), &rec))
	assert.Equal(t, "sts", rec["route"])
	assert.Equal(t, "prefix", rec["stsForm"])
	assert.Equal(t, v.TmpSecretID, rec["tmpSecretId"])
	assert.Equal(t, v.RequestID, rec["stsRequestId"])
	assert.Equal(t, false, rec["cacheHit"])
	assert.Equal(t, []any{"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/*",
		"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/public/*"}, rec["resources"])
	for _, secret := range []string{v.TmpSecretKey, v.Token, testSecretKey} {
		assert.NotContains(t, f.log.String(), secret)
	}
}

func TestSTSAssumeRoleWithSessionToken(t *testing.T) {
	f, fake := stsFixture(t, map[string]string{"COS_SESSION_TOKEN": testToken}, "alice@example.com")
	require.Equal(t, 200, f.post("/sts", `{}`).status, "%v", fake.Refused())
	v := fake.Vended()[0]
	assert.Equal(t, "AssumeRole", v.Action)
	assert.Equal(t, "alice@example.com", v.SessionName)
}

// scopeBody is a scope-form request for one key.
func scopeBody(action, key string) string {
	return `{"Scope":[{"action":"name/cos:` + action + `","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"` + key + `"}]}`
}

// TestSTSCallsFor50ScopeRequests measures the STS calls made for 50
// scope-form requests with distinct keys from one caller (finding 4):
// anonymous callers by default, anonymous with STS_ALLOW_ANONYMOUS, an
// authenticated caller, and one that first asked for its prefix.
// go test ./functions/service -run TestSTSCallsFor50ScopeRequests -v
func TestSTSCallsFor50ScopeRequests(t *testing.T) {
	run := func(name string, over map[string]string, sub, first, action, dir string) (calls int, statuses map[int]int) {
		f, fake := stsFixture(t, over, sub)
		if first != "" {
			require.Equal(t, 200, f.post("/sts", first).status)
		}
		statuses = map[int]int{}
		for i := 0; i < 50; i++ {
			a := f.post("/sts", scopeBody(action, dir+"k"+strconv.Itoa(i)+".png"))
			statuses[a.status]++
			if a.status == 429 {
				assert.Equal(t, "STSRateLimited", a.code())
				assert.NotEmpty(t, a.header["Retry-After"])
			}
		}
		t.Logf("%s: %d STS calls for 50 scope requests with distinct keys (answers by status: %v)", name, fake.Calls(), statuses)
		return fake.Calls(), statuses
	}
	calls, st := run("anonymous, default", map[string]string{"SIGN_KEY_PREFIXES": "public/"}, "", "", "GetObject", "public/")
	assert.Equal(t, 0, calls)
	assert.Equal(t, 50, st[401])
	calls, st = run("anonymous, STS_ALLOW_ANONYMOUS=true", map[string]string{"SIGN_KEY_PREFIXES": "public/", "STS_ALLOW_ANONYMOUS": "true"}, "", "", "GetObject", "public/")
	assert.Equal(t, sts.DefaultCallerBurst, calls, "all anonymous callers share one limit")
	assert.Equal(t, 50-sts.DefaultCallerBurst, st[429])
	calls, st = run("authenticated", nil, "alice", "", "PutObject", "users/alice/")
	assert.Equal(t, sts.DefaultCallerBurst, calls)
	assert.Equal(t, 50-sts.DefaultCallerBurst, st[429])
	calls, st = run("authenticated, prefix form first", nil, "alice", `{}`, "PutObject", "users/alice/")
	assert.Equal(t, 1, calls, "the prefix form's credentials cover every key under it")
	assert.Equal(t, 51, st[200]+1)
}

// TestSTSPolicyForPerPrefixMethods prints the policy vended for
// users/{sub}/,drop/=PUT,public/=GET|HEAD with image/* and 1 MiB, and
// holds its shape: drop/ gets PutObject and UploadPart only, public/ the
// reads, the types exact, the refused names denied (findings 1-3).
// go test ./functions/service -run TestSTSPolicyForPerPrefixMethods -v
func TestSTSPolicyForPerPrefixMethods(t *testing.T) {
	f, fake := stsFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,drop/=PUT,public/=GET|HEAD",
		"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice")
	require.Equal(t, 200, f.post("/sts", `{}`).status)
	v := fake.Vended()[0]
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, []byte(v.PolicyText), "", "  "))
	t.Logf("policy (%d bytes):\n%s", len(v.PolicyText), pretty.String())
	base := "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/"
	actionsAt := func(res string) []string {
		var out []string
		for _, st := range v.Policy.Statement {
			if st.Effect == "allow" && slices.Contains(st.Resource, res) {
				out = append(out, st.Action...)
			}
		}
		slices.Sort(out)
		return out
	}
	assert.Equal(t, []string{sts.ActPutObject, sts.ActUploadPart}, actionsAt(base+"drop/*"))
	assert.Equal(t, []string{sts.ActGetObject, sts.ActHeadObject, sts.ActListMultipartUploads, sts.ActListParts}, actionsAt(base+"public/*"))
	assert.NotContains(t, v.PolicyText, "string_like\":{\"cos:content-type\":[\"image")
	assert.Contains(t, v.PolicyText, `"string_equal":{"cos:content-type":["image/apng",`)
	for _, k := range []string{"cos:x-cos-acl", "cos:x-cos-grant-full-control", "cos:response-content-type"} {
		assert.Contains(t, v.PolicyText, `{"string_like":{"`+k+`":["*"]}}`)
	}
}

// BenchmarkSTSCachedPrefix is a /sts request answered from the cache: the
// policy is derived from the key policy (a probe of each action at each
// prefix) on every request, before the cache is asked.
// go test ./functions/service -run '^$' -bench BenchmarkSTSCachedPrefix -benchmem
func BenchmarkSTSCachedPrefix(b *testing.B) {
	f, fake := stsFixture(b, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/,drop/=PUT,public/=GET|HEAD",
		"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice")
	for b.Loop() {
		if a := f.post("/sts", `{}`); a.status != 200 {
			b.Fatalf("%d %s", a.status, a.body)
		}
	}
	if fake.Calls() != 1 {
		b.Fatalf("%d STS calls", fake.Calls())
	}
}
