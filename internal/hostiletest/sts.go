package hostiletest

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakests"
)

// RoleARN is the role the STS profile assumes.
const RoleARN = "qcs::cam::uin/100000000001:roleName/cos-uploader"

// stsEnv starts a fake STS for the profiles' account (the session token
// means assume-role) and returns the overrides that turn /sts on against it.
func stsEnv(t testing.TB, over ...map[string]string) map[string]string {
	t.Helper()
	fake := fakests.New(t, fakests.Options{SecretID: SecretID, SecretKey: SecretKey, Token: SessionToken, Region: Region,
		Scope: campolicy.Scope{Region: Region, AppID: "1250000000", Bucket: Bucket}, RoleARN: RoleARN})
	return merge(append([]map[string]string{{"STS_MODE": "assume-role", "STS_ROLE_ARN": RoleARN, "STS_ENDPOINT": fake.Endpoint()}}, over...)...)
}

// scopeItem is one item of a scope-form request.
func scopeItem(action, prefix string) map[string]any {
	return map[string]any{"action": "name/cos:" + action, "bucket": Bucket, "region": Region, "prefix": prefix}
}

func scope(items ...map[string]any) Request {
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	return PostJSON("/sts", map[string]any{"Scope": list})
}

// stsCases are /sts's refusals: scope escapes, "..", other users, prefix
// confusion, identities that would widen a CAM resource, and STS's own
// refusal, which must surface as STSRefused without STS's text.
func stsCases(t testing.TB) []Case {
	t.Helper()
	on := stsEnv(t)
	jwt := stsEnv(t, JWT)
	limits := stsEnv(t, UploadLimits)
	wrongRole := stsEnv(t, map[string]string{"STS_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/not-this-one"})
	bearer := func(sub string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + mintToken(t, sub)}
	}
	c := func(name string, env map[string]string, r Request, status int, code string) Case {
		return Case{Name: "sts " + name, Env: env, Request: r, Expect: Expect{Status: status, Code: code}}
	}
	many := make([]map[string]any, 21)
	for i := range many {
		many[i] = scopeItem("GetObject", "public/a.pdf")
	}
	otherBucket := scopeItem("GetObject", "public/a.pdf")
	otherBucket["bucket"] = "evilbucket-1250000000"
	otherRegion := scopeItem("GetObject", "public/a.pdf")
	otherRegion["region"] = "ap-shanghai"
	return []Case{
		c("off", nil, PostJSON("/sts", map[string]any{}), 403, "STSDisabled"),
		c("scope other user", jwt, withHeader(scope(scopeItem("PutObject", "users/user2/a.jpg")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope prefix confusion", jwt, withHeader(scope(scopeItem("PutObject", "users/user10/a.jpg")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope folder without slash", jwt, withHeader(scope(scopeItem("PutObject", "users/user1*")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope dot-dot", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/../user2/a.jpg")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope encoded dot-dot", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/%2e%2e/user2/a.jpg")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope star inside", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/*/a.jpg")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope whole bucket", jwt, withHeader(scope(scopeItem("GetObject", "*")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope bad action", jwt, withHeader(scope(scopeItem("GetObject", "public/a.pdf"), scopeItem("PutBucketACL", "public/")), bearer("user1")), 403, "ScopeNotAllowed"),
		c("scope other bucket", on, scope(otherBucket), 403, "ScopeNotAllowed"),
		c("scope other region", on, scope(otherRegion), 403, "ScopeNotAllowed"),
		c("scope too many items", on, scope(many...), 403, "ScopeNotAllowed"),
		c("scope anonymous write", on, scope(scopeItem("PutObject", "uploads/user1/a.jpg")), 403, "ScopeNotAllowed"),
		c("identity with star", jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer("user*")), 403, "IdentityNotUsable"),
		c("identity with brace", jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer("${qcs:uin}")), 403, "IdentityNotUsable"),
		c("no prefixes", merge(on, map[string]string{"SIGN_KEY_PREFIXES": ""}), PostJSON("/sts", map[string]any{}), 403, "ScopeNotAllowed"),
		c("key form wrong type", limits, PostJSON("/sts", map[string]any{"ext": "jpg", "contentType": "text/html"}), 403, "ContentTypeNotAllowed"),
		c("sts refuses", wrongRole, PostJSON("/sts", map[string]any{}), 502, "STSRefused"),
	}
}

// stsSuccesses vend credentials in every form, so that the log test sees
// real TmpSecretKeys and tokens pass through.
func stsSuccesses(t testing.TB) []Case {
	t.Helper()
	on := stsEnv(t)
	jwt := stsEnv(t, JWT)
	bearer := map[string]string{"Authorization": "Bearer " + mintToken(t, "user1")}
	ok := func(name string, env map[string]string, r Request) Case {
		return Case{Name: "sts " + name, Env: env, Request: r, Expect: Expect{Status: 200}}
	}
	return []Case{
		ok("prefix GET anonymous", on, Get("/sts", nil)),
		ok("prefix jwt", jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer)),
		ok("key jwt", jwt, withHeader(PostJSON("/sts", map[string]any{"ext": "jpg"}), bearer)),
		ok("scope jwt", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/a.jpg"), scopeItem("GetObject", "public/")), bearer)),
	}
}
