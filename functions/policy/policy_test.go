package policy

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeKey(t *testing.T) {
	ok := []struct{ in, want string }{
		{"a.txt", "a.txt"},
		{"/a.txt", "a.txt"},
		{"uploads/user1/photo.jpg", "uploads/user1/photo.jpg"},
		{"folder/", "folder/"},
		{"a..b/c.d", "a..b/c.d"},
		{".hidden/...", ".hidden/..."},
		{"中文/文件 name.png", "中文/文件 name.png"},
		{"100%/x", "100%/x"},
		{"a%20b", "a%20b"},
		{"/", ""},
		{"", ""},
		{strings.Repeat("k", 850), strings.Repeat("k", 850)},
	}
	for _, c := range ok {
		got, err := NormalizeKey(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	bad := []string{
		"..", "../etc/passwd", "a/../b", "a/./b", ".", "./a", "a/..", "a/.",
		"//a", "a//b", "/a//b", "///",
		"%2e%2e/x", "a/%2E%2E/b", "a/.%2e/b", "%2e", "a/%2e/b", "a%2F..%2Fb", "..%2fb", "a/%252e%252e/b",
		"a\\..\\b", "a/..\\b",
		"a\x00b", "a\nb", "a\rb", "a\x7fb", "a\u0085b",
		"\xff\xfe", "a/\xc3",
		strings.Repeat("k", 851),
	}
	for _, k := range bad {
		_, err := NormalizeKey(k)
		assert.Error(t, err, "%q", k)
	}
}

func TestPrefixBoundaries(t *testing.T) {
	for _, raw := range []string{"uploads/user1", "uploads/user1/", "/uploads/user1/", "uploads/user1/*"} {
		p, err := ParsePrefix(raw)
		require.NoError(t, err, raw)
		assert.True(t, p.Admits("uploads/user1/a.jpg", ""), raw)
		assert.True(t, p.Admits("uploads/user1/", ""), raw)
		assert.False(t, p.Admits("uploads/user10/a.jpg", ""), raw)
		assert.False(t, p.Admits("uploads/user1", ""), raw)
		assert.False(t, p.Admits("uploads/user1.jpg", ""), raw)
		assert.False(t, p.Admits("uploads/", ""), raw)
		assert.False(t, p.Admits("xuploads/user1/a", ""), raw)
	}
	any, err := ParsePrefix("*")
	require.NoError(t, err)
	assert.True(t, any.Admits("anything/at/all", ""))
}

func TestPrefixSub(t *testing.T) {
	p, err := ParsePrefix("users/{sub}/files")
	require.NoError(t, err)
	assert.True(t, p.HasSub())
	assert.True(t, p.Admits("users/alice/files/a.txt", "alice"))
	assert.False(t, p.Admits("users/bob/files/a.txt", "alice"))
	assert.False(t, p.Admits("users/alice2/files/a.txt", "alice"))
	assert.False(t, p.Admits("users/alice/files/a.txt", ""), "anonymous never fills {sub}")
	for _, id := range []string{"a/b", "..", ".", "a..b", "a\nb", "a\x00", "a%2fb", `a\b`, ""} {
		assert.False(t, p.Admits("users/"+id+"/files/x", id), "%q", id)
		_, ok := p.Fill(id)
		assert.False(t, ok, "%q", id)
	}
	f, ok := p.Fill("alice")
	require.True(t, ok)
	assert.Equal(t, "users/alice/files", f)
}

func TestParsePrefixRefusesDirtyPrefixes(t *testing.T) {
	for _, raw := range []string{"a/../b", "a//b", "./a", "a/*/b", "{sub}{sub}", "a/..", "a\x00"} {
		_, err := ParsePrefix(raw)
		assert.Error(t, err, "%q", raw)
	}
}

// mustNameList is ParseNameList for a list the test knows to be valid.
func mustNameList(t *testing.T, list string) NameList {
	t.Helper()
	l, err := ParseNameList(list)
	require.NoError(t, err)
	return l
}

func TestNameListSensitive(t *testing.T) {
	star := mustNameList(t, "*")
	assert.True(t, star.Allows("x-cos-meta-a"))
	assert.True(t, star.Allows("Content-Type"))
	for _, n := range []string{"acl", "ACL", "x-cos-acl", "X-Cos-Acl", "x-cos-grant-read", "x-cos-grant-full-control", "x-cos-tagging", "tagging"} {
		assert.False(t, star.Allows(n), "* must not admit %s", n)
	}
	cos := mustNameList(t, "x-cos-*")
	assert.True(t, cos.Allows("x-cos-storage-class"))
	assert.False(t, cos.Allows("x-cos-acl"))
	assert.False(t, cos.Allows("x-cos-grant-read"))
	assert.False(t, cos.Allows("x-cos-tagging"))

	explicit := mustNameList(t, "x-cos-acl, x-cos-grant-*, acl")
	assert.True(t, explicit.Allows("X-COS-ACL"))
	assert.True(t, explicit.Allows("x-cos-grant-read"))
	assert.True(t, explicit.Allows("acl"))
	assert.False(t, explicit.Allows("x-cos-tagging"))

	def := mustNameList(t, DefaultHeaders)
	for _, n := range []string{"Content-Type", "content-length", "x-cos-meta-author", "X-Cos-Server-Side-Encryption-Customer-Algorithm", "Range", "x-cos-traffic-limit"} {
		assert.True(t, def.Allows(n), n)
	}
	for _, n := range []string{"x-cos-acl", "x-cos-grant-read", "x-cos-tagging", "x-cos-copy-source", "origin"} {
		assert.False(t, def.Allows(n), n)
	}
	// What the official SDKs add on their own (retries, part uploads) and
	// the protective x-cos-forbid-overwrite.
	for _, n := range []string{"x-cos-sdk-retry", "X-Cos-Forbid-Overwrite", "Expect", "x-cos-mime-limit"} {
		assert.True(t, def.Allows(n), n)
	}
	params := mustNameList(t, DefaultParams)
	for _, n := range []string{"response-content-disposition", "partNumber", "PARTNUMBER", "uploadId", "uploads", "versionId"} {
		assert.True(t, params.Allows(n), n)
	}
	for _, n := range []string{"acl", "tagging", "policy", "x-cos-security-token"} {
		assert.False(t, params.Allows(n), n)
	}
	_, err := ParseNameList("a*b")
	assert.Error(t, err)
}

func TestExtensions(t *testing.T) {
	e, err := ParseExtensions("jpg, .PNG")
	require.NoError(t, err)
	assert.True(t, e.Allows("jpg"))
	assert.True(t, e.Allows("png"))
	assert.False(t, e.Allows("exe"))
	assert.False(t, e.Allows(""))
	_, err = ParseExtensions("j/pg")
	assert.Error(t, err)

	for in, want := range map[string]string{".JPG": "jpg", "png": "png", "Mp4": "mp4"} {
		got, ok := NormalizeExt(in)
		assert.True(t, ok)
		assert.Equal(t, want, got)
	}
	for _, in := range []string{"", ".", "a/b", "..", "a.b", "x y", strings.Repeat("a", 17), "é"} {
		_, ok := NormalizeExt(in)
		assert.False(t, ok, "%q", in)
	}
	assert.Equal(t, "png", ExtOf("dir/photo.final.png"))
	assert.Equal(t, "", ExtOf(".bashrc"))
	assert.Equal(t, "", ExtOf("noext"))
	assert.Equal(t, "", ExtOf("a.png/noext"))
}

func TestRandomID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id, err := RandomID()
		require.NoError(t, err)
		assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), id)
		assert.False(t, seen[id])
		seen[id] = true
	}
}
