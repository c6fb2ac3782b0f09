package hostiletest

import (
	"strconv"
	"testing"

	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakests"
)

// RoleARN is the role the STS profile assumes.
const RoleARN = "qcs::cam::uin/100000000001:roleName/cos-uploader"

// stsEnv starts a fake STS for the profiles' account (the session token
// means assume-role) and returns the overrides that turn /sts on against
// it, anonymous callers allowed (so that the other refusals show).
func stsEnv(t testing.TB, over ...map[string]string) map[string]string {
	t.Helper()
	fake := fakests.New(t, fakests.Options{SecretID: SecretID, SecretKey: SecretKey, Token: SessionToken, Region: Region,
		Scope: campolicy.Scope{Region: Region, AppID: "1250000000", Bucket: Bucket}, RoleARN: RoleARN})
	return merge(append([]map[string]string{{"STS_MODE": "assume-role", "STS_ROLE_ARN": RoleARN, "STS_ENDPOINT": fake.Endpoint(),
		"STS_ALLOW_ANONYMOUS": "true"}}, over...)...)
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
	many := make([]map[string]any, 21)
	for i := range many {
		many[i] = scopeItem("GetObject", "public/a.pdf")
	}
	otherBucket := scopeItem("GetObject", "public/a.pdf")
	otherBucket["bucket"] = "evilbucket-1250000000"
	otherRegion := scopeItem("GetObject", "public/a.pdf")
	otherRegion["region"] = "ap-shanghai"
	var cs caseTable
	cs.add("sts off", nil, PostJSON("/sts", map[string]any{}), 403, "STSDisabled")
	cs.add("sts scope other user", jwt, withHeader(scope(scopeItem("PutObject", "users/user2/a.jpg")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope prefix confusion", jwt, withHeader(scope(scopeItem("PutObject", "users/user10/a.jpg")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope folder without slash", jwt, withHeader(scope(scopeItem("PutObject", "users/user1*")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope dot-dot", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/../user2/a.jpg")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope encoded dot-dot", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/%2e%2e/user2/a.jpg")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope star inside", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/*/a.jpg")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope whole bucket", jwt, withHeader(scope(scopeItem("GetObject", "*")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope bad action", jwt, withHeader(scope(scopeItem("GetObject", "public/a.pdf"), scopeItem("PutBucketACL", "public/")), bearer(t, "user1")), 403, "ScopeNotAllowed")
	cs.add("sts scope other bucket", on, scope(otherBucket), 403, "ScopeNotAllowed")
	cs.add("sts scope other region", on, scope(otherRegion), 403, "ScopeNotAllowed")
	cs.add("sts scope too many items", on, scope(many...), 403, "ScopeNotAllowed")
	cs.add("sts scope anonymous write", on, scope(scopeItem("PutObject", "uploads/user1/a.jpg")), 403, "ScopeNotAllowed")
	cs.add("sts identity with star", jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer(t, "user*")), 403, "IdentityNotUsable")
	cs.add("sts identity with brace", jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer(t, "${qcs:uin}")), 403, "IdentityNotUsable")
	for _, sub := range []string{"b?b", "a:b", "a b", "a\"b", "a'b", "a\tb"} {
		cs.add("sts identity "+strconv.Quote(sub), jwt, withHeader(PostJSON("/sts", map[string]any{}), bearer(t, sub)), 403, "IdentityNotUsable")
	}
	cs.add("sts anonymous without opt-in", merge(on, map[string]string{"STS_ALLOW_ANONYMOUS": ""}), PostJSON("/sts", map[string]any{}), 401, "CallerRequired")
	cs.add("sts no prefixes", merge(on, map[string]string{"SIGN_KEY_PREFIXES": ""}), PostJSON("/sts", map[string]any{}), 403, "ScopeNotAllowed")
	cs.add("sts key form wrong type", limits, PostJSON("/sts", map[string]any{"ext": "jpg", "contentType": "text/html"}), 403, "ContentTypeNotAllowed")
	cs.add("sts sts refuses", wrongRole, PostJSON("/sts", map[string]any{}), 502, "STSRefused")
	return cs
}

// stsSuccesses vend credentials in every form, so that the log test sees
// real TmpSecretKeys and tokens pass through.
func stsSuccesses(t testing.TB) []Case {
	t.Helper()
	on := stsEnv(t)
	jwt := stsEnv(t, JWT)
	user1 := bearer(t, "user1")
	var cs caseTable
	cs.add("sts prefix GET anonymous", on, Get("/sts", nil), 200, "")
	cs.add("sts prefix jwt", jwt, withHeader(PostJSON("/sts", map[string]any{}), user1), 200, "")
	cs.add("sts key jwt", jwt, withHeader(PostJSON("/sts", map[string]any{"ext": "jpg"}), user1), 200, "")
	cs.add("sts scope jwt", jwt, withHeader(scope(scopeItem("PutObject", "users/user1/a.jpg"), scopeItem("GetObject", "public/")), user1), 200, "")
	return cs
}
