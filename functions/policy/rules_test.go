package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSensitiveNamesNeedTheirOwnEntry(t *testing.T) {
	wide := []NameList{mustNameList(t, "*"), mustNameList(t, "x-cos-*"), mustNameList(t, "x-*,p*,t*,a*")}
	names := []string{
		"x-cos-copy-source", "X-Cos-Copy-Source", "x-cos-copy-source-range", "x-cos-copy-source-if-match",
		"x-cos-copy-source-server-side-encryption-customer-key", "x-cos-rename-source",
		"x-cos-metadata-directive", "x-cos-website-redirect-location", "Pic-Operations", "x-cos-callback",
		"x-cos-acl", "x-cos-grant-read", "x-cos-tagging", "acl", "tagging",
	}
	for _, l := range wide {
		for _, n := range names {
			assert.False(t, l.Allows(n), "%s through a wildcard", n)
			assert.True(t, Sensitive(n), n)
		}
	}
	byName := mustNameList(t, "x-cos-copy-source, x-cos-metadata-directive, x-cos-copy-source-*")
	assert.True(t, byName.Allows("x-cos-copy-source"))
	assert.True(t, byName.Allows("x-cos-copy-source-range"))
	assert.True(t, byName.Allows("x-cos-metadata-directive"))
	assert.False(t, byName.Allows("x-cos-rename-source"))
	// A name that only starts like a sensitive one is an ordinary name.
	assert.False(t, Sensitive("x-cos-copy-sourcex"))
	assert.True(t, mustNameList(t, "x-cos-*").Allows("x-cos-aclx"))
}

func TestMediaType(t *testing.T) {
	ok := map[string]string{
		"image/png":                     "image/png",
		"IMAGE/PNG":                     "image/png",
		"image/jpeg; charset=binary":    "image/jpeg",
		"application/octet-stream":      "application/octet-stream",
		"text/plain; charset=\"utf-8\"": "text/plain",
	}
	for in, want := range ok {
		got, err := MediaType(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{
		"", "image", "image/", "/png", "image/png, text/html", "image/png,text/html", "İmage/png", "image/pñg",
		"image/png\x00", "image/png\r\nx: y", "image/png; a", "image/png/x", "*/*", "image/*", "image/png;;",
	} {
		_, err := MediaType(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestContentTypesCheck(t *testing.T) {
	img, err := ParseContentTypes("image/*")
	require.NoError(t, err)
	for _, v := range []string{"image/png", "IMAGE/JPEG; charset=x", "image/webp"} {
		assert.True(t, img.Allows(v), v)
	}
	for _, v := range []string{
		"image/png, text/html", "İmage/png", "image/svg+xml", "text/html", "image", "application/pdf",
		"image/svg+xml; charset=utf-8", "imagex/png", "image/png\n",
	} {
		assert.False(t, img.Allows(v), "%q", v)
	}
	// Active types only by name, never through a pattern or "*".
	star, err := ParseContentTypes("*")
	require.NoError(t, err)
	for _, v := range []string{"text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
		"application/javascript", "application/x-javascript", "application/ecmascript", "text/xml", "application/xml",
		"application/rss+xml", "TEXT/HTML; charset=utf-8"} {
		assert.False(t, star.Allows(v), v)
		mt, _ := MediaType(v)
		assert.True(t, Active(mt), v)
	}
	assert.True(t, star.Allows("application/pdf"))
	named, err := ParseContentTypes("image/*, image/svg+xml, text/html")
	require.NoError(t, err)
	assert.True(t, named.Allows("image/svg+xml"))
	assert.True(t, named.Allows("text/html; charset=utf-8"))
	assert.False(t, named.Allows("application/xhtml+xml"))

	var none ContentTypes
	assert.False(t, none.Set())
	assert.True(t, none.Allows("text/html"), "no list: any media type")
	assert.False(t, none.Allows("image/png, text/html"), "but still one media type")

	for _, bad := range []string{"image", "*/png", "image/p*g", "a/b;c", "image/png; charset=x", "İmage/png", "image/pñg", "a b/c"} {
		_, err := ParseContentTypes(bad)
		assert.Error(t, err, bad)
	}
}

func TestContentTypesSingle(t *testing.T) {
	one, err := ParseContentTypes("image/png")
	require.NoError(t, err)
	mt, ok := one.Single()
	assert.True(t, ok)
	assert.Equal(t, "image/png", mt)
	for _, list := range []string{"image/*", "image/png,image/jpeg", "*", ""} {
		c, err := ParseContentTypes(list)
		require.NoError(t, err)
		_, ok := c.Single()
		assert.False(t, ok, list)
	}
}

func TestRulesMethods(t *testing.T) {
	var rs Rules
	for _, e := range []string{"users/{sub}/", "public/=GET|head", "drop/=PUT"} {
		r, err := ParseRule(e)
		require.NoError(t, err, e)
		rs = append(rs, r)
	}
	assert.Equal(t, "public/=GET|HEAD", rs[1].String())
	assert.Equal(t, "users/{sub}/", rs[0].String())
	assert.Equal(t, KeyAllowed, rs.Check("users/alice/a.jpg", "alice", "DELETE"))
	assert.Equal(t, KeyAllowed, rs.Check("public/a.jpg", "alice", "GET"))
	assert.Equal(t, KeyAllowed, rs.Check("public/a.jpg", "", "HEAD"))
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		assert.Equal(t, KeyMethodRefused, rs.Check("public/a.jpg", "alice", m), m)
	}
	assert.Equal(t, KeyMethodRefused, rs.Check("drop/x", "alice", "GET"))
	assert.Equal(t, KeyOutside, rs.Check("users/bob/a.jpg", "alice", "GET"))
	assert.Equal(t, KeyOutside, rs.Check("publicx/a.jpg", "alice", "GET"))

	all := []string{"GET", "HEAD", "PUT", "POST", "DELETE"}
	assert.Equal(t, []string{"GET", "HEAD"}, rs.MethodsAt("public/a", "alice", all))
	assert.Equal(t, all, rs.MethodsAt("users/alice/a", "alice", all))
	assert.Nil(t, rs.MethodsAt("users/bob/a", "alice", all))

	// Nested rules: the most permissive decides.
	var nested Rules
	for _, e := range []string{"shared/=GET", "shared/inbox/=PUT|GET"} {
		r, err := ParseRule(e)
		require.NoError(t, err)
		nested = append(nested, r)
	}
	assert.Equal(t, KeyAllowed, nested.Check("shared/inbox/x", "", "PUT"))
	assert.Equal(t, KeyMethodRefused, nested.Check("shared/x", "", "PUT"))

	for _, bad := range []string{"public/=", "public/=GET,HEAD", "public/=FETCH", "a=b/", "public/=GET|", "../x=GET"} {
		_, err := ParseRule(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, KeyAllowed, Rules(nil).Check("anything", "", "DELETE"))
}

func TestBucketListing(t *testing.T) {
	kind, prefix, err := BucketListing("GET", map[string]string{"uploads": "", "prefix": "users/alice/big.bin"})
	require.NoError(t, err)
	assert.Equal(t, ListUploads, kind)
	assert.Equal(t, "users/alice/big.bin", prefix)

	kind, _, err = BucketListing("GET", map[string]string{"uploads": "", "prefix": "p/", "max-uploads": "1000", "key-marker": "p/a",
		"upload-id-marker": "x", "encoding-type": "url", "delimiter": "/"})
	require.NoError(t, err)
	assert.Equal(t, ListUploads, kind)

	kind, _, err = BucketListing("GET", map[string]string{"prefix": "p/", "marker": "p/a", "max-keys": "10", "delimiter": "/", "encoding-type": "url"})
	require.NoError(t, err)
	assert.Equal(t, ListObjects, kind)

	for name, params := range map[string]map[string]string{
		"no prefix":            {"uploads": ""},
		"empty prefix":         {"uploads": "", "prefix": ""},
		"whole bucket":         {},
		"acl":                  {"acl": ""},
		"uploads and acl":      {"uploads": "", "prefix": "p/", "acl": ""},
		"objects with uploads": {"prefix": "p/", "key-marker": "a"},
		"policy":               {"policy": "", "prefix": "p/"},
	} {
		kind, _, err := BucketListing("GET", params)
		require.NoError(t, err, name)
		assert.Equal(t, NotListing, kind, name)
	}
	for _, m := range []string{"PUT", "DELETE", "POST", "HEAD"} {
		kind, _, _ := BucketListing(m, map[string]string{"uploads": "", "prefix": "p/"})
		assert.Equal(t, NotListing, kind, m)
	}
	for name, params := range map[string]map[string]string{
		"max-uploads 0":      {"uploads": "", "prefix": "p/", "max-uploads": "0"},
		"max-keys 1001":      {"prefix": "p/", "max-keys": "1001"},
		"max-keys +5":        {"prefix": "p/", "max-keys": "+5"},
		"encoding-type xml":  {"prefix": "p/", "encoding-type": "xml"},
		"uploads with value": {"uploads": "x", "prefix": "p/"},
		"marker with CR":     {"prefix": "p/", "marker": "a\rb"},
		// Names COS would not read as listing params: refused, not read as
		// them (issue 22, finding 1: PREFİX was no prefix to COS).
		"PREFİX":  {"uploads": "", "PREF\u0130X": "users/alice/"},
		"Prefix":  {"uploads": "", "Prefix": "users/alice/"},
		"Uploads": {"Uploads": "", "prefix": "users/alice/"},
		"preﬁx":   {"pre\ufb01x": "users/alice/"},
		"ſ":       {"uploads": "", "prefix": "p/", "delimiter": "/", "encoding-type": "url", "max-upload\u017f": "10"},
	} {
		_, _, err := BucketListing("GET", params)
		assert.Error(t, err, name)
	}
}

func TestListingPrefix(t *testing.T) {
	rules := Rules{mustRule(t, "users/{sub}/")}
	inside := func(p string) bool {
		n, err := ListingPrefix(p)
		return err == nil && rules.Check(n, "alice", "GET") == KeyAllowed
	}
	assert.True(t, inside("users/alice/"), "the caller's folder")
	assert.True(t, inside("users/alice/big.bin"), "a key inside it")
	assert.False(t, inside("users/alice"), "without the slash it would match users/alice2/")
	assert.False(t, inside("users/alice2/"))
	assert.False(t, inside("users/bob/"))
	assert.False(t, inside("users/"))
	assert.False(t, inside("users/alice/../bob/"))
	assert.False(t, inside("users/alice/%2e%2e/bob/"))
	assert.False(t, inside("/users/alice/"))
	assert.False(t, inside(""))
	one := Rules{mustRule(t, "uploads/user1")}
	n, err := ListingPrefix("uploads/user10/")
	require.NoError(t, err)
	assert.Equal(t, KeyOutside, one.Check(n, "", "GET"), "user1 vs user10")
}

func TestObjectOp(t *testing.T) {
	cases := []struct {
		method string
		params map[string]string
		op     Op
		code   string
	}{
		{"PUT", nil, OpPut, ""},
		{"PUT", map[string]string{"partNumber": "1", "uploadId": "u"}, OpPart, ""},
		{"PUT", map[string]string{"uploadId": "u"}, OpOther, "MissingPartNumber"},
		{"PUT", map[string]string{"partNumber": "1"}, OpOther, "MissingUploadId"},
		// Only COS's spelling decides: any other is refused, never read.
		{"PUT", map[string]string{"PARTNUMBER": "1", "UPLOADID": "u"}, OpOther, "InvalidParam"},
		{"PUT", map[string]string{"partnumber": "1", "uploadId": "u"}, OpOther, "InvalidParam"},
		{"POST", map[string]string{"Uploads": ""}, OpOther, "InvalidParam"},
		{"POST", map[string]string{"upload\u0130d": "u"}, OpOther, "InvalidParam"},
		// A PUT that only its param's name makes a subresource one is
		// bounded like PUT Object.
		{"PUT", map[string]string{"acl": ""}, OpPut, ""},
		{"PUT", map[string]string{"tagging": ""}, OpPut, ""},
		{"POST", map[string]string{"uploads": ""}, OpInitiate, ""},
		{"POST", map[string]string{"uploadId": "u"}, OpComplete, ""},
		{"POST", nil, OpOther, "PostNotAllowed"},
		{"POST", map[string]string{"append": "", "position": "0"}, OpOther, "PostNotAllowed"},
		{"POST", map[string]string{"restore": ""}, OpOther, "PostNotAllowed"},
		{"POST", map[string]string{"uploads": "", "uploadId": "u"}, OpOther, "PostNotAllowed"},
		{"GET", map[string]string{"uploadId": "u"}, OpOther, ""},
		{"DELETE", map[string]string{"uploadId": "u"}, OpOther, ""},
	}
	for _, c := range cases {
		op, oe := ObjectOp(c.method, c.params)
		assert.Equal(t, c.op, op, "%s %v", c.method, c.params)
		if c.code == "" {
			assert.Nil(t, oe)
			continue
		}
		require.NotNil(t, oe)
		assert.Equal(t, c.code, oe.Code)
	}
	for op, binds := range map[Op][2]bool{OpPut: {true, true}, OpPart: {true, true}, OpInitiate: {true, false}, OpComplete: {false, false}, OpOther: {false, false}} {
		assert.Equal(t, binds[0], op.BindsType(), "%v type", op)
		assert.Equal(t, binds[1], op.BindsLength(), "%v length", op)
	}
}

func TestCopySource(t *testing.T) {
	cs, err := ParseCopySource("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/users/alice/a%20b.jpg?versionId=v1")
	require.NoError(t, err)
	assert.Equal(t, CopySource{Host: "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", Key: "users/alice/a b.jpg"}, cs)
	cs, err = ParseCopySource("/users/alice/x")
	require.NoError(t, err)
	assert.Equal(t, CopySource{Key: "users/alice/x"}, cs)
	for _, bad := range []string{
		"", "/", "host", "host/", "https://host/key", "host/users/alice/../bob/x", "host/users/alice/%2e%2e/bob/x",
		"host/users%2Falice%2F..%2Fbob", "host//users/bob/x", "host/a%zz", "host/k?acl", "host/k?versionId=1&x=2",
		"host/users/alice/%252e%252e/bob", "//users/bob",
	} {
		_, err := ParseCopySource(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestPlainRegion(t *testing.T) {
	for _, r := range []string{"ap-guangzhou", "na-siliconvalley", "ap-beijing-fsi", "AP-Guangzhou", "cn-south"} {
		assert.True(t, PlainRegion(r), r)
	}
	for _, r := range []string{"", "accelerate", "cos.accelerate", "cos.ap-guangzhou", "ap-guangzhou.myqcloud.com",
		"cos.ap-guangzhou.myqcloud.com.otherbucket-1250000000.cos.ap-guangzhou", "-ap", "ap-", "ap guangzhou", "ap/x", "ACCELERATE"} {
		assert.False(t, PlainRegion(r), r)
	}
}

func mustRule(t *testing.T, s string) Rule {
	t.Helper()
	r, err := ParseRule(s)
	require.NoError(t, err)
	return r
}

func TestCheckParamName(t *testing.T) {
	for _, ok := range []string{"uploads", "uploadId", "partNumber", "prefix", "max-uploads", "versionId", "response-content-type",
		"response-cache-control", "x-cos-security-token", "x-cos-traffic-limit", "imageMogr2/thumbnail/200x", "utm_source", "Custom", "acl", "tagging"} {
		assert.NoError(t, CheckParamName(ok), ok)
	}
	for bad, says := range map[string]string{
		"UPLOADID":              `"UPLOADID" is not COS's spelling uploadId`,
		"partnumber":            `"partnumber" is not COS's spelling partNumber`,
		"PartNumber":            `spelling partNumber`,
		"Prefix":                `spelling prefix`,
		"TAGGING":               `spelling tagging`,
		"Response-Content-Type": `spelling response-content-type`,
		"X-Cos-Security-Token":  `spelling x-cos-security-token`,
		"PREF\u0130X":           `"PREF\u0130X" is not COS's spelling of prefix`,
		"pref\u0131x":           `of prefix`,     // dotless ı upper-cases to I
		"\u212Aey-marker":       `of key-marker`, // Kelvin sign
		"upload\u017Fd":         `is not ASCII`,  // ſ folds to s, but uploadsd is no name
		"pre\uFB01x":            `of prefix`,     // the ﬁ ligature's full mapping
		"ta\u0261ging":          `is not ASCII`,
		"文件":                    `is not ASCII`,
	} {
		err := CheckParamName(bad)
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), says, bad)
		}
	}
}
