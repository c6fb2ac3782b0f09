package service

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type refusal struct {
	name   string
	path   string
	body   string
	status int
	code   string
	msgHas string
}

func checkRefusals(t *testing.T, f *fixture, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "/presign"
			}
			a := f.post(path, c.body)
			require.Equal(t, c.status, a.status, "%s", a.body)
			assert.Equal(t, c.code, a.code())
			assert.NotEmpty(t, a.message())
			if c.msgHas != "" {
				assert.Contains(t, a.message(), c.msgHas)
			}
			e := a.obj["error"].(map[string]any)
			assert.Equal(t, a.header["X-Request-Id"], e["requestId"])
		})
	}
}

func TestKeyPolicy(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_KEY_PREFIXES": "uploads/user1,home/{sub}/"}, "alice")
	checkRefusals(t, f, []refusal{
		{"prefix confusion", "", `{"key":"uploads/user10/x.jpg"}`, 403, "KeyNotAllowed", "uploads/user10/x.jpg"},
		{"prefix as a file", "", `{"key":"uploads/user1.jpg"}`, 403, "KeyNotAllowed", ""},
		{"prefix itself", "", `{"key":"uploads/user1"}`, 403, "KeyNotAllowed", ""},
		{"outside", "", `{"key":"private/payroll.xlsx"}`, 403, "KeyNotAllowed", ""},
		{"dotdot escape", "", `{"key":"uploads/user1/../admin/x"}`, 400, "InvalidKey", ".."},
		{"dot segment", "", `{"key":"uploads/user1/./x"}`, 400, "InvalidKey", ""},
		{"leading dotdot", "", `{"key":"../uploads/user1/x"}`, 400, "InvalidKey", ""},
		{"encoded dotdot", "", `{"key":"uploads/user1/%2e%2e/admin"}`, 400, "InvalidKey", "percent"},
		{"mixed encoded dotdot", "", `{"key":"uploads/user1/.%2E/admin"}`, 400, "InvalidKey", ""},
		{"encoded slash dotdot", "", `{"key":"uploads/user1/..%2Fadmin"}`, 400, "InvalidKey", ""},
		{"double encoded", "", `{"key":"uploads/user1/%252e%252e/admin"}`, 400, "InvalidKey", ""},
		{"encoded dot", "", `{"key":"uploads/user1/%2e/x"}`, 400, "InvalidKey", ""},
		{"double leading slash", "", `{"key":"//uploads/user1/x"}`, 400, "InvalidKey", ""},
		{"empty segment", "", `{"key":"uploads/user1//x"}`, 400, "InvalidKey", "empty segment"},
		{"bucket slash", "", `{"key":"/"}`, 403, "KeyNotAllowed", "bucket"},
		{"bucket empty", "", `{"key":""}`, 403, "KeyNotAllowed", "bucket"},
		{"no key", "", `{"method":"GET"}`, 400, "MissingKey", ""},
		{"control char", "", `{"key":"uploads/user1/a\u0000b"}`, 400, "InvalidKey", "control"},
		{"newline", "", `{"key":"uploads/user1/a\nb"}`, 400, "InvalidKey", ""},
		{"invalid utf8", "", "{\"key\":\"uploads/user1/\xff\"}", 400, "InvalidKey", "UTF-8"},
		{"too long", "", `{"key":"uploads/user1/` + strings.Repeat("k", 840) + `"}`, 400, "InvalidKey", "850"},
		{"other user's home", "", `{"key":"home/bob/x"}`, 403, "KeyNotAllowed", ""},
		{"own home prefix confusion", "", `{"key":"home/alice2/x"}`, 403, "KeyNotAllowed", ""},
		{"download too", "/download", `{"key":"uploads/user10/x"}`, 403, "KeyNotAllowed", ""},
		{"auth too", "/auth", `{"key":"../x"}`, 400, "InvalidKey", ""},
	})
	for _, k := range []string{"uploads/user1/x.jpg", "/uploads/user1/x.jpg", "home/alice/notes.txt", "uploads/user1/a..b", "uploads/user1/100%.txt"} {
		a := f.post("/presign", fmt.Sprintf(`{"key":%q}`, k))
		verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: strings.TrimPrefix(k, "/")})
	}
}

func TestIdentityThatWouldChangeThePath(t *testing.T) {
	for _, sub := range []string{"../bob", "a/b", "..", "al\nice", "a%2fb"} {
		f := withIdentity(t, map[string]string{"SIGN_KEY_PREFIXES": "home/{sub}"}, sub)
		a := f.post("/presign", fmt.Sprintf(`{"key":%q}`, "home/"+sub+"/x"))
		assert.Contains(t, []int{400, 403}, a.status, "%q: %s", sub, a.body)
		c := f.post("/presign", `{"ext":"jpg","method":"PUT"}`)
		assert.Equal(t, 403, c.status, "%q", sub)
		assert.Equal(t, "IdentityNotUsable", c.code(), "%q", sub)
	}
	anon := newFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "home/{sub}"})
	a := anon.post("/presign", `{"key":"home//x"}`)
	assert.Equal(t, 400, a.status)
	b := anon.post("/presign", `{"key":"home/x/y"}`)
	assert.Equal(t, 403, b.status)
	assert.Equal(t, "KeyNotAllowed", b.code())
}

func TestBucketKeyWhenAllowed(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_ALLOW_BUCKET_OPERATIONS": "true"})
	a := f.post("/auth", `{"key":"/","params":{"uploads":""}}`)
	verifyAuth(t, a, "", signer.Request{Method: "GET", Key: "/", Params: map[string]string{"uploads": ""}})
}

func TestExpiry(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_MAX_EXPIRED": "3600"})
	checkRefusals(t, f, []refusal{
		{"huge", "", `{"key":"k","expired":3601}`, 400, "InvalidExpired", "3600"},
		{"enormous", "", `{"key":"k","expired":99999999999999999999999}`, 400, "InvalidExpired", "3600"},
		{"zero", "", `{"key":"k","expired":0}`, 400, "InvalidExpired", ""},
		{"negative", "", `{"key":"k","expired":-5}`, 400, "InvalidExpired", ""},
		{"non-numeric", "", `{"key":"k","expired":"soon"}`, 400, "InvalidExpired", "soon"},
		{"fraction", "", `{"key":"k","expired":1.5}`, 400, "InvalidExpired", ""},
		{"exponent", "", `{"key":"k","expired":1e3}`, 400, "InvalidExpired", ""},
		{"bool", "", `{"key":"k","expired":true}`, 400, "InvalidExpired", ""},
		{"object", "", `{"key":"k","expired":{}}`, 400, "InvalidField", "expired"},
		{"expires alias too", "", `{"key":"k","expires":7200}`, 400, "InvalidExpired", "3600"},
	})
	ok := f.post("/presign", `{"key":"k","expired":"3600"}`)
	assert.Equal(t, testNow.Unix()+3600, ok.num("expiredTime"))
	q := f.get("/presign", url.Values{"key": {"k"}, "expired": {"abc"}})
	assert.Equal(t, 400, q.status)
	assert.Equal(t, "InvalidExpired", q.code())
}

func TestMethodsAndWrites(t *testing.T) {
	f := newFixture(t, nil)
	checkRefusals(t, f, []refusal{
		{"delete outside policy", "", `{"key":"k","method":"DELETE"}`, 403, "MethodNotAllowed", "SIGN_ALLOWED_METHODS"},
		{"options outside policy", "", `{"key":"k","method":"options"}`, 403, "MethodNotAllowed", ""},
		{"made-up method", "", `{"key":"k","method":"PATCH"}`, 400, "InvalidMethod", "PATCH"},
		{"anonymous put", "", `{"key":"k","method":"PUT"}`, 403, "AnonymousWriteRefused", "SIGN_ALLOW_ANONYMOUS_WRITES"},
		{"anonymous post", "/auth", `{"key":"k","method":"post"}`, 403, "AnonymousWriteRefused", ""},
		{"anonymous post policy", "/post-policy", `{"key":"k.jpg"}`, 403, "AnonymousWriteRefused", ""},
	})
	del := newFixture(t, map[string]string{"SIGN_ALLOWED_METHODS": "GET,DELETE"})
	a := del.post("/presign", `{"key":"k","method":"DELETE"}`)
	assert.Equal(t, "AnonymousWriteRefused", a.code())
	put := del.post("/presign", `{"key":"k","method":"PUT"}`)
	assert.Equal(t, "MethodNotAllowed", put.code())

	authed := withIdentity(t, nil, "alice")
	w := authed.post("/presign", `{"key":"k","method":"PUT"}`)
	verifyPresigned(t, w, "", signer.Request{Method: "PUT", Key: "k"})
	assert.Contains(t, authed.log.String(), `"subject":"alice"`)
}

func TestUnsignedHost(t *testing.T) {
	f := newFixture(t, nil)
	a := f.post("/presign", `{"key":"k","signHost":false}`)
	assert.Equal(t, 403, a.status)
	assert.Equal(t, "UnsignedHostRefused", a.code())
	b := f.post("/presign", `{"key":"k","signHost":"maybe"}`)
	assert.Equal(t, 400, b.status)
	assert.Contains(t, b.message(), "signHost")

	allowed := newFixture(t, map[string]string{"SIGN_ALLOW_UNSIGNED_HOST": "true"})
	c := allowed.post("/presign", `{"key":"k","signHost":false}`)
	verifyPresigned(t, c, "", signer.Request{Method: "GET", Key: "k", UnsignedHost: true})
	u, _ := url.Parse(c.str("url"))
	assert.Equal(t, "", u.Query().Get("q-header-list"))
}

func TestSensitiveNames(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	checkRefusals(t, f, []refusal{
		{"x-cos-acl", "", `{"key":"k","method":"PUT","headers":{"x-cos-acl":"public-read"}}`, 403, "HeaderNotAllowed", "x-cos-acl"},
		{"X-Cos-Acl", "", `{"key":"k","method":"PUT","headers":{"X-Cos-Acl":"public-read"}}`, 403, "HeaderNotAllowed", ""},
		{"grant", "", `{"key":"k","method":"PUT","headers":{"x-cos-grant-read":"id=\"1\""}}`, 403, "HeaderNotAllowed", ""},
		{"tagging header", "", `{"key":"k","method":"PUT","headers":{"x-cos-tagging":"a=b"}}`, 403, "HeaderNotAllowed", ""},
		{"acl param", "", `{"key":"k","method":"PUT","params":{"acl":""}}`, 403, "ParamNotAllowed", "acl"},
		{"tagging param", "", `{"key":"k","method":"PUT","params":{"tagging":""}}`, 403, "ParamNotAllowed", ""},
		{"unlisted header", "", `{"key":"k","headers":{"x-cos-copy-source":"other/x"}}`, 403, "HeaderNotAllowed", ""},
		{"unlisted param", "", `{"key":"k","params":{"policy":""}}`, 403, "ParamNotAllowed", ""},
		{"query alias", "/auth", `{"Key":"k","Query":{"acl":""}}`, 403, "ParamNotAllowed", ""},
		{"host header on presign", "", `{"key":"k","headers":{"Host":"evil.example.com"}}`, 400, "HostHeader", ""},
		{"case duplicates", "", `{"key":"k","headers":{"Content-Type":"a/b","content-type":"a/c"}}`, 400, "DuplicateName", ""},
		{"CRLF in value", "", `{"key":"k","headers":{"Content-Type":"a/b\r\nX-Evil: 1"}}`, 400, "InvalidHeader", ""},
		{"CRLF in name", "", `{"key":"k","headers":{"Content-Type\r\nX":"a"}}`, 400, "InvalidHeader", ""},
		{"NUL in value", "", `{"key":"k","headers":{"Content-Type":"a\u0000"}}`, 400, "InvalidHeader", ""},
		{"reserved param", "", `{"key":"k","params":{"q-signature":"x"}}`, 403, "ParamNotAllowed", ""},
	})
	// "*" admits ordinary names but never the sensitive ones.
	star := withIdentity(t, map[string]string{"SIGN_ALLOWED_HEADERS": "*", "SIGN_ALLOWED_PARAMS": "*"}, "alice")
	ok := star.post("/presign", `{"key":"k","method":"PUT","headers":{"x-cos-storage-class":"STANDARD"},"params":{"foo":"1"}}`)
	verifyPresigned(t, ok, "", signer.Request{Method: "PUT", Key: "k", Headers: map[string]string{"x-cos-storage-class": "STANDARD"}, Params: map[string]string{"foo": "1"}})
	for _, body := range []string{`{"key":"k","headers":{"x-cos-acl":"private"}}`, `{"key":"k","headers":{"x-cos-grant-read":"x"}}`, `{"key":"k","params":{"acl":""}}`,
		`{"key":"k","headers":{"x-cos-tagging":"a"}}`, `{"key":"k","method":"PUT","headers":{"x-cos-copy-source":"b/x"}}`,
		`{"key":"k","method":"PUT","headers":{"x-cos-rename-source":"/x"}}`, `{"key":"k","method":"PUT","headers":{"x-cos-metadata-directive":"Replaced"}}`,
		`{"key":"k","method":"PUT","headers":{"x-cos-website-redirect-location":"https://evil.example"}}`, `{"key":"k","method":"PUT","headers":{"Pic-Operations":"{}"}}`} {
		r := star.post("/presign", body)
		assert.Equal(t, 403, r.status, body)
		assert.Contains(t, r.message(), "sensitive name", body)
	}
	listed := withIdentity(t, map[string]string{"SIGN_ALLOWED_HEADERS": "x-cos-acl", "SIGN_ALLOWED_PARAMS": "acl"}, "alice")
	l := listed.post("/presign", `{"key":"k","method":"PUT","headers":{"x-cos-acl":"private"},"params":{"acl":""}}`)
	verifyPresigned(t, l, "", signer.Request{Method: "PUT", Key: "k", Headers: map[string]string{"x-cos-acl": "private"}, Params: map[string]string{"acl": ""}})
	// Headers the signer never signs pass through unchecked and unsigned.
	p := f.post("/presign", `{"key":"k","headers":{"Accept":"*/*","User-Agent":"x"}}`)
	verifyPresigned(t, p, "", signer.Request{Method: "GET", Key: "k"})
}

func TestBuckets(t *testing.T) {
	f := newFixture(t, map[string]string{"COS_ALLOWED_BUCKETS": "other-1250000000", "COS_ALLOWED_REGIONS": "ap-shanghai"})
	checkRefusals(t, f, []refusal{
		{"not allowed", "", `{"bucket":"victim-1250000001","key":"k"}`, 403, "BucketNotAllowed", "victim-1250000001"},
		{"invalid", "", `{"bucket":"a_b","key":"k"}`, 403, "BucketNotAllowed", ""},
		{"region not listed", "", `{"bucket":"other-1250000000","region":"ap-beijing","key":"k"}`, 403, "RegionNotAllowed", "COS_ALLOWED_REGIONS"},
		{"region holding a host", "", `{"region":"cos.ap-guangzhou.myqcloud.com.otherbucket-1250000000.cos.ap-guangzhou","key":"k"}`, 403, "RegionNotAllowed", "COS_ENDPOINT"},
		{"accelerate region", "", `{"region":"accelerate","key":"k"}`, 403, "RegionNotAllowed", "COS_ENDPOINT"},
		{"cos. region", "", `{"region":"cos.ap-guangzhou","key":"k"}`, 403, "RegionNotAllowed", ""},
	})
	own := f.post("/presign", `{"region":"AP-GUANGZHOU","key":"k"}`)
	assert.Equal(t, 200, own.status, "the configured region in any letter case")
	a := f.post("/presign", `{"bucket":"other-1250000000","region":"ap-shanghai","key":"k"}`)
	require.Equal(t, 200, a.status)
	assert.True(t, strings.HasPrefix(a.str("url"), "https://other-1250000000.cos.ap-shanghai.myqcloud.com/k?"))
	verifyPresigned(t, a, "", signer.Request{Method: "GET", Bucket: "other-1250000000", Region: "ap-shanghai", Key: "k"})
	same := f.post("/presign", `{"bucket":"EXAMPLEBUCKET-1250000000","key":"k"}`)
	assert.Equal(t, 200, same.status)

	nobucket := newFixture(t, map[string]string{"COS_BUCKET": "", "COS_ALLOWED_BUCKETS": "other-1250000000"})
	m := nobucket.post("/presign", `{"key":"k"}`)
	assert.Equal(t, 400, m.status)
	assert.Equal(t, "MissingBucket", m.code())
	none := newFixture(t, map[string]string{"COS_BUCKET": ""}).post("/presign", `{"key":"k"}`)
	assert.Equal(t, 503, none.status, "no bucket at all is the server's setting, not the caller's fault")
	assert.Equal(t, "ServiceNotConfigured", none.code())
	assert.Contains(t, none.message(), "COS_BUCKET")
}

func TestGetAuthorizationOptions(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	// The options object cos-js-sdk-v5 passes to getAuthorization, as is.
	opts := `{"Bucket":"examplebucket-1250000000","Region":"ap-guangzhou","Method":"put","Key":"uploads/avatar.png",
		"Pathname":"/uploads/avatar.png","Query":{"partNumber":1,"uploadId":"U"},"Headers":{"Host":"%s","x-cos-meta-a":"b","Content-Length":42},
		"Scope":[{"action":"name/cos:PutObject","bucket":"examplebucket-1250000000","region":"ap-guangzhou","prefix":"uploads/avatar.png"}],
		"SystemClockOffset":0,"ForceSignHost":true}`
	for _, host := range []string{testHost, "EXAMPLEBUCKET-1250000000.COS.AP-GUANGZHOU.MYQCLOUD.COM", testHost + ":443"} {
		a := f.post("/auth", fmt.Sprintf(opts, host))
		verifyAuth(t, a, "", signer.Request{Method: "PUT", Key: "uploads/avatar.png",
			Headers: map[string]string{"x-cos-meta-a": "b", "Content-Length": "42"}, Params: map[string]string{"partNumber": "1", "uploadId": "U"}})
		assert.Contains(t, a.str("authorization"), "q-header-list=content-length;host;x-cos-meta-a")
	}
	bad := f.post("/auth", fmt.Sprintf(opts, "attacker-1250000000.cos.ap-guangzhou.myqcloud.com"))
	assert.Equal(t, 400, bad.status)
	assert.Equal(t, "HostHeader", bad.code())

	// Pathname alone (the wx SDK's format-3 demo), and a Key/Pathname clash.
	p := f.post("/auth", `{"method":"get","pathname":"/a/b.txt","query":{"response-content-type":"text/plain"}}`)
	verifyAuth(t, p, "", signer.Request{Method: "GET", Key: "a/b.txt", Params: map[string]string{"response-content-type": "text/plain"}})
	clash := f.post("/auth", `{"Key":"a.txt","Pathname":"/b.txt"}`)
	assert.Equal(t, 400, clash.status)
	assert.Equal(t, "InvalidKey", clash.code())
	// postObject in the wx SDK asks for "post /": the bucket, refused.
	root := f.post("/auth", `{"Method":"post","Key":"","Pathname":"/","Headers":{"Host":"`+testHost+`"}}`)
	assert.Equal(t, 403, root.status)
	assert.Equal(t, "KeyNotAllowed", root.code())
}

func TestServerChosenKeys(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/uploads", "SIGN_ALLOWED_EXTENSIONS": "jpg,png"}, "alice")
	a := f.post("/presign", `{"ext":"JPG"}`)
	require.Equal(t, 200, a.status, "%s", a.body)
	key := a.str("key")
	assert.Regexp(t, regexp.MustCompile(`^users/alice/uploads/[0-9a-f]{32}\.jpg$`), key)
	verifyPresigned(t, a, "", signer.Request{Method: "PUT", Key: key})
	assert.Equal(t, "PUT", a.str("method"))

	b := f.post("/presign", `{"filename":"My Holiday.PNG","method":"PUT"}`)
	require.Equal(t, 200, b.status)
	assert.Regexp(t, `^users/alice/uploads/[0-9a-f]{32}\.png$`, b.str("key"))
	assert.NotEqual(t, key, b.str("key"))

	pp := f.post("/post-policy", `{"ext":".png","contentLength":2048}`)
	fields := verifyPolicy(t, pp, "")
	assert.Regexp(t, `^users/alice/uploads/[0-9a-f]{32}\.png$`, fields["key"])
	assert.Equal(t, fields["key"], pp.str("cosKey"))

	checkRefusals(t, f, []refusal{
		{"ext not allowed", "", `{"ext":"exe"}`, 403, "ExtensionNotAllowed", "jpg,png"},
		{"ext with a path", "", `{"ext":"../x"}`, 400, "InvalidExtension", ""},
		{"filename without ext", "", `{"filename":"README"}`, 403, "ExtensionNotAllowed", ""},
		{"not on download", "/download", `{"ext":"jpg"}`, 400, "MissingKey", ""},
		{"caller key with a bad ext", "", `{"key":"users/alice/uploads/x.exe","method":"PUT"}`, 403, "ExtensionNotAllowed", ""},
	})
	anon := newFixture(t, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}/", "SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	n := anon.post("/presign", `{"ext":"jpg"}`)
	assert.Equal(t, 403, n.status)
	assert.Equal(t, "KeyNotAllowed", n.code())

	open := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"})
	o := open.post("/presign", `{"ext":"bin"}`)
	assert.Regexp(t, `^[0-9a-f]{32}\.bin$`, o.str("key"))
}

func TestUploadLimits(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice")
	a := f.post("/presign", `{"key":"a.png","method":"PUT","contentType":"image/png","contentLength":2048}`)
	verifyPresigned(t, a, "", signer.Request{Method: "PUT", Key: "a.png", Headers: map[string]string{"Content-Type": "image/png", "Content-Length": "2048"}})
	assert.Equal(t, map[string]string{"Content-Type": "image/png", "Content-Length": "2048"}, strMap(a.obj["headers"]))

	h := f.post("/presign", `{"key":"a.png","method":"PUT","headers":{"content-type":"image/jpeg","content-length":"10"}}`)
	verifyPresigned(t, h, "", signer.Request{Method: "PUT", Key: "a.png", Headers: map[string]string{"content-type": "image/jpeg", "content-length": "10"}})

	au := f.post("/auth", `{"key":"a.png","method":"PUT","contentType":"image/gif","contentLength":1}`)
	verifyAuth(t, au, "", signer.Request{Method: "PUT", Key: "a.png", Headers: map[string]string{"Content-Type": "image/gif", "Content-Length": "1"}})

	// A part is signed with an allowed type: re-sent as PARTNUMBER&UPLOADID
	// (the signature does not bind a name's case) it is a PUT Object.
	part := f.post("/presign", `{"key":"a.png","method":"PUT","contentType":"image/png","contentLength":5,"params":{"partNumber":1,"uploadId":"U"}}`)
	verifyPresigned(t, part, "", signer.Request{Method: "PUT", Key: "a.png", Params: map[string]string{"partNumber": "1", "uploadId": "U"},
		Headers: map[string]string{"Content-Type": "image/png", "Content-Length": "5"}})

	checkRefusals(t, f, []refusal{
		{"no type", "", `{"key":"a.png","method":"PUT","contentLength":1}`, 400, "MissingContentType", ""},
		{"no length", "", `{"key":"a.png","method":"PUT","contentType":"image/png"}`, 400, "MissingContentLength", ""},
		{"wrong type", "", `{"key":"a.png","method":"PUT","contentType":"text/html","contentLength":1}`, 403, "ContentTypeNotAllowed", "text/html"},
		{"too large", "", `{"key":"a.png","method":"PUT","contentType":"image/png","contentLength":1048577}`, 403, "ContentLengthNotAllowed", "1048576"},
		{"bad length", "", `{"key":"a.png","method":"PUT","contentType":"image/png","contentLength":"big"}`, 400, "InvalidContentLength", ""},
		{"field and header differ", "", `{"key":"a.png","method":"PUT","contentType":"image/png","headers":{"Content-Type":"image/gif"},"contentLength":1}`, 400, "InvalidField", ""},
		{"post policy wrong type", "/post-policy", `{"key":"a.png","contentType":"text/html"}`, 403, "ContentTypeNotAllowed", ""},
	})
	get := f.post("/presign", `{"key":"a.png"}`)
	assert.Equal(t, 200, get.status, "downloads are not uploads")

	// A POST policy binds exactly what the check admits: one named type,
	// never starts-with image/ (which COS would match against
	// "image/png, text/html" or image/svg+xml).
	pp := f.post("/post-policy", `{"key":"a.png"}`)
	assert.Equal(t, 400, pp.status)
	assert.Equal(t, "MissingContentType", pp.code())
	pp = f.post("/post-policy", `{"key":"a.png","contentType":"image/webp"}`)
	verifyPolicy(t, pp, "")
	var pol struct {
		Conditions []json.RawMessage `json:"conditions"`
	}
	require.NoError(t, json.Unmarshal([]byte(pp.str("policy")), &pol))
	text := pp.str("policy")
	assert.NotContains(t, text, "starts-with")
	assert.Contains(t, text, `{"Content-Type":"image/webp"}`)
	assert.Contains(t, text, `["content-length-range",0,1048576]`)
	single := withIdentity(t, map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "image/png"}, "alice")
	sp := single.post("/post-policy", `{"key":"a.png","contentLength":2048}`)
	verifyPolicy(t, sp, "")
	assert.Contains(t, sp.str("policy"), `{"Content-Type":"image/png"}`, "one listed type is bound without naming it")

	exact := f.post("/post-policy", `{"key":"a.png","contentType":"image/png","contentLength":100}`)
	verifyPolicy(t, exact, "")
	assert.Contains(t, exact.str("policy"), `{"Content-Type":"image/png"}`)
	assert.Contains(t, exact.str("policy"), `["content-length-range",0,100]`)
	assert.Equal(t, "image/png", strMap(exact.obj["fields"])["Content-Type"])

	many := withIdentity(t, map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "image/*,video/mp4"}, "alice")
	m := many.post("/post-policy", `{"key":"a.png"}`)
	assert.Equal(t, "MissingContentType", m.code())
}

func TestInputErrors(t *testing.T) {
	f := newFixture(t, map[string]string{"SIGN_MAX_BODY_BYTES": "100"})
	checkRefusals(t, f, []refusal{
		{"broken JSON", "", `{"key":"k",}`, 400, "InvalidJSON", "byte"},
		{"truncated JSON", "", `{"key":`, 400, "InvalidJSON", ""},
		{"not an object", "", `"key"`, 400, "InvalidJSON", "object"},
		{"key wrong type", "", `{"key":{"a":1}}`, 400, "InvalidField", `"key"`},
		{"headers wrong type", "", `{"key":"k","headers":["a"]}`, 400, "InvalidField", "headers"},
		{"header value wrong type", "", `{"key":"k","headers":{"a":{}}}`, 400, "InvalidField", "headers"},
		{"bucket wrong type", "", `{"key":"k","bucket":5}`, 400, "InvalidField", "bucket"},
		{"too large", "", `{"key":"` + strings.Repeat("a", 100) + `"}`, 413, "BodyTooLarge", "100"},
		{"unknown route", "/list", `{}`, 404, "UnknownRoute", ""},
	})
	// Unknown fields are refused (strict_test.go has the rest).
	a := f.post("/presign", `{"key":"k","clientVersion":"9","nested":{"x":[1]}}`)
	assert.Equal(t, 400, a.status)
	assert.Equal(t, "UnknownField", a.code())

	r := f.serve(&Request{Method: "PUT", Path: "/presign"})
	assert.Equal(t, 405, r.status)
	assert.Equal(t, "GET, POST, OPTIONS", r.header["Allow"])
	assert.Equal(t, "HTTPMethodNotAllowed", r.code())

	for _, q := range []url.Values{
		{"key": {"a.txt"}, "KEY": {"private/x"}},
		{"key": {"a.txt", "private/x"}},
		{"key": {"a.txt"}, "response-content-type": {"a/b"}, "Response-Content-Type": {"c/d"}},
		{"key": {"a.txt"}, "params[versionId]": {"1"}, "param.versionId": {"2"}},
	} {
		d := f.get("/download", q)
		assert.Equal(t, 400, d.status, "%v", q)
		assert.Equal(t, "DuplicateName", d.code(), "%v", q)
	}
	same := f.get("/download", url.Values{"key": {"a.txt", "a.txt"}, "utm": {"x", "y"}})
	assert.Equal(t, 200, same.status, "repeats of one value and unknown names in a query are harmless")

	form := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte("key=a%20b.txt&expired=60"), Header: map[string]string{"content-type": "application/x-www-form-urlencoded"}})
	verifyPresigned(t, form, "", signer.Request{Method: "GET", Key: "a b.txt"})
}

func TestLoadConfigErrors(t *testing.T) {
	for name, val := range map[string]string{
		"SIGN_ALLOWED_METHODS":        "GET,FETCH",
		"SIGN_DEFAULT_EXPIRED":        "ten",
		"SIGN_MAX_EXPIRED":            "-1",
		"SIGN_MAX_BODY_BYTES":         "0",
		"SIGN_MAX_BATCH":              "many",
		"SIGN_MAX_CONTENT_LENGTH":     "1MB",
		"SIGN_ALLOWED_HEADERS":        "x-*-y",
		"SIGN_ALLOWED_PARAMS":         "a b",
		"SIGN_ALLOWED_EXTENSIONS":     "../exe",
		"SIGN_ALLOWED_CONTENT_TYPES":  "images",
		"SIGN_ALLOW_UNSIGNED_HOST":    "perhaps",
		"SIGN_ALLOW_ANONYMOUS_WRITES": "sometimes",
		"SIGN_KEY_PREFIXES":           "a/../b",
		"COS_BUCKET":                  "bad_bucket",
		"COS_ALLOWED_BUCKETS":         "ok-1,bad bucket",
		"COS_REGION":                  "ap guangzhou",
		"COS_ENDPOINT":                "https://cos.example.com/x",
		"COS_DOMAIN":                  "cdn.example.com/path",
		"COS_SCHEME":                  "ftp",
		"CORS_ALLOWED_ORIGINS":        "app.example.com",
		"CORS_ALLOWED_HEADERS":        "X-Auth-Token, bad header",
		"COS_ALLOWED_REGIONS":         "ap-shanghai,cos.accelerate",
		"SIGN_ALLOW_PREFIX_LISTING":   "maybe",
		"AUTH_MODE":                   "magic",
	} {
		env := baseEnv()
		env[name] = val
		_, err := LoadConfig(func(k string) string { return env[k] })
		require.Error(t, err, name)
		if name != "AUTH_MODE" {
			assert.Contains(t, err.Error(), name)
		}
	}
	env := baseEnv()
	env["SIGN_DEFAULT_EXPIRED"] = "4000"
	_, err := LoadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SIGN_DEFAULT_EXPIRED")

	env = baseEnv()
	env["COS_SECRET_KEY"] = "bad\nkey-" + testSecretKey
	_, err = LoadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testSecretKey)

	cfg, err := LoadConfig(func(k string) string { return baseEnv()[k] })
	require.NoError(t, err)
	assert.Equal(t, int64(300), cfg.DefaultExpired)
	assert.Equal(t, int64(3600), cfg.MaxExpired)
	assert.Equal(t, int64(65536), cfg.MaxBodyBytes)
	assert.Equal(t, 100, cfg.MaxBatch)
	assert.Equal(t, []string{"GET", "HEAD", "PUT", "POST"}, cfg.AllowedMethods)
	assert.False(t, cfg.AllowUnsignedHost)
	assert.False(t, cfg.AllowAnonymousWrites)
	assert.Equal(t, "none", cfg.Auth.Mode())
}
