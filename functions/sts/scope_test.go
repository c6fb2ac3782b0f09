package sts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/policy"
)

// aliceRules: alice's prefix users/alice (PUT, GET) and public (GET).
func aliceRules(t testing.TB, writes bool) Rules {
	signs := rulesPolicy(t, []string{"users/{sub}/=PUT|GET|POST", "public/=GET"}, multipartParams, writes)
	own, _ := policy.ParsePrefix("users/{sub}")
	pub, _ := policy.ParsePrefix("public")
	return Rules{Region: testRegion,
		BucketAllowed: func(b string) bool { return b == testBucket },
		GrantAt: func(_, path string) (Grant, bool) {
			if !own.Admits(path, "alice") && !pub.Admits(path, "alice") {
				return Grant{}, false
			}
			return Derive(path, Limits{}, signs), true
		}}
}

func item(action, prefix string) ScopeItem {
	return ScopeItem{Action: "name/cos:" + action, Bucket: testBucket, Region: testRegion, Prefix: prefix}
}

func TestCheckScopeAdmits(t *testing.T) {
	bucket, grants, err := CheckScope([]ScopeItem{
		item("PutObject", "users/alice/a.png"),
		item("InitiateMultipartUpload", "users/alice/a.png"),
		item("GetObject", "users/alice/*"),
		item("GetObject", "public/"),
		{Action: ActGetObject, Bucket: testBucket, Region: "cosgz", Prefix: "/public/x"},
	}, aliceRules(t, true))
	require.NoError(t, err)
	assert.Equal(t, testBucket, bucket)
	var paths [][]string
	for _, g := range grants {
		paths = append(paths, append([]string{g.Path}, g.Actions...))
	}
	assert.Equal(t, [][]string{
		{"users/alice/a.png", ActPutObject, ActInitiateMultipartUpload},
		{"users/alice/", ActGetObject},
		{"public/", ActGetObject},
		{"public/x", ActGetObject},
	}, paths)
	p, err := BuildPolicy(testTarget, grants, Limits{})
	require.NoError(t, err)
	assert.NotContains(t, p.JSON(), ActUploadPart, "a scope grant carries only the actions named")
}

func TestCheckScopeRefusesNamingTheItem(t *testing.T) {
	many := make([]ScopeItem, MaxScopeItems+1)
	for i := range many {
		many[i] = item("GetObject", "public/x")
	}
	cases := []struct {
		items []ScopeItem
		index int
		says  string
	}{
		{nil, 0, "empty"},
		{many, MaxScopeItems, "most is 20"},
		{[]ScopeItem{item("GetObject", "public/"), item("GetBucket", "public/")}, 1, "not one this service vends"},
		{[]ScopeItem{item("GetObjectUrl", "public/")}, 0, "not one this service vends"},
		{[]ScopeItem{{Action: ActGetObject, Bucket: "other-1250000000", Region: testRegion, Prefix: "public/"}}, 0, "not an allowed bucket"},
		{[]ScopeItem{{Action: ActGetObject, Bucket: testBucket, Region: "ap-shanghai", Prefix: "public/"}}, 0, "not the configured region"},
		{[]ScopeItem{item("PutObject", "users/bob/a.png")}, 0, "outside"},
		{[]ScopeItem{item("PutObject", "users/alice2/a.png")}, 0, "outside"},
		{[]ScopeItem{item("PutObject", "users/alice")}, 0, "outside"},
		{[]ScopeItem{item("PutObject", "users/alice*")}, 0, "only as"},
		{[]ScopeItem{item("PutObject", "users/alice/../bob/x")}, 0, "not a usable key"},
		{[]ScopeItem{item("PutObject", "users/alice/%2e%2e/bob/x")}, 0, "not a usable key"},
		{[]ScopeItem{item("PutObject", "users/alice/a*b")}, 0, "widen"},
		{[]ScopeItem{item("PutObject", "users/alice/${x}")}, 0, "widen"},
		{[]ScopeItem{item("PutObject", "")}, 0, "whole bucket"},
		{[]ScopeItem{item("PutObject", "*")}, 0, "only as"},
		{[]ScopeItem{item("PutObject", "public/a.png")}, 0, "not allowed at prefix"},
		{[]ScopeItem{item("PostObject", "users/alice/a.png")}, 0, "not allowed at prefix"},
		{[]ScopeItem{item("GetObject", "users/alice/a?b")}, 0, "widen"},
	}
	for _, c := range cases {
		_, _, err := CheckScope(c.items, aliceRules(t, true))
		var se *ScopeError
		require.ErrorAs(t, err, &se, "%+v", c.items)
		assert.Equal(t, c.index, se.Item, "%+v", c.items)
		assert.Contains(t, err.Error(), c.says)
		assert.True(t, strings.HasPrefix(err.Error(), "Scope["), err.Error())
	}
	_, _, err := CheckScope([]ScopeItem{item("GetObject", "users/alice/x"), item("PutObject", "users/alice/x")}, aliceRules(t, false))
	var se *ScopeError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Item, "no write action for a caller without writes")
}

// FuzzCheckScopeStaysInside: whatever prefix a scope item names, what the
// resulting CAM resource admits lies inside the caller's prefixes by the
// key policy's own rule (a folder's every key, or the one exact key).
func FuzzCheckScopeStaysInside(f *testing.F) {
	for _, p := range []string{"users/alice/a.png", "users/alice/", "users/alice/*", "users/alice", "users/alice2/x",
		"users/alice/../bob/x", "users/alice/%2e%2e/x", "public/", "/public/x", "users/alice//x", "users/alice/a\\..\\b"} {
		f.Add(p, "x.png")
	}
	own, _ := policy.ParsePrefix("users/{sub}")
	pub, _ := policy.ParsePrefix("public")
	rules := aliceRules(f, true)
	f.Fuzz(func(t *testing.T, prefix, suffix string) {
		_, grants, err := CheckScope([]ScopeItem{item("GetObject", prefix)}, rules)
		if err != nil {
			return
		}
		inside := func(k string) bool { return own.Admits(k, "alice") || pub.Admits(k, "alice") }
		for _, g := range grants {
			if strings.ContainsAny(g.Path, "*?${}") {
				t.Fatalf("prefix %q granted %q, which widens a CAM resource", prefix, g.Path)
			}
			key := g.Path
			if g.Folder() {
				key += suffix
			}
			if n, err := policy.NormalizeKey(key); err != nil || n != key {
				continue // COS would see another key; the folder itself was checked
			}
			if !inside(key) {
				t.Fatalf("prefix %q granted %q, which admits %q outside the caller's prefixes", prefix, g.Path, key)
			}
		}
	})
}
