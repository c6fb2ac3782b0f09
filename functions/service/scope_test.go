package service

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/signer"
)

// prodLike is a production-like policy: per-user folders, a shared
// read-only folder, and a drop box that takes uploads only.
var prodLike = map[string]string{
	"SIGN_KEY_PREFIXES":    "users/{sub}/,public/=GET|HEAD,drop/=PUT",
	"SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE",
}

// sdkList is the getAuthorization options cos-js-sdk-v5's multipartList
// passes (uploadFile and sliceUploadFile ask it before every multipart
// upload), with query as its Query.
func sdkList(query string) string {
	return `{"Bucket":"` + testBucket + `","Region":"` + testRegion + `","Method":"get","Key":"","Pathname":"/",` +
		`"Query":` + query + `,"Headers":{"Host":"` + testHost + `"}}`
}

func TestScopedListMultipartUploads(t *testing.T) {
	f := withIdentity(t, prodLike, "alice")
	for _, q := range []map[string]string{
		{"prefix": "users/alice/big.bin", "uploads": ""},
		{"prefix": "users/alice/", "uploads": ""},
		{"prefix": "users/alice/big.bin", "uploads": "", "max-uploads": "1000", "key-marker": "users/alice/a", "upload-id-marker": "U", "encoding-type": "url", "delimiter": "/"},
		{"prefix": "public/", "uploads": ""},
	} {
		var b strings.Builder
		for k, v := range q {
			fmt.Fprintf(&b, ",%q:%q", k, v)
		}
		a := f.post("/auth", sdkList("{"+b.String()[1:]+"}"))
		verifyAuth(t, a, "", signer.Request{Method: "GET", Key: "/", Params: q})
		assert.Contains(t, a.str("authorization"), "prefix", "the prefix is signed: %v", q)
		assert.Contains(t, a.str("authorization"), "uploads")
	}
	p := f.post("/presign", `{"key":"/","params":{"uploads":"","prefix":"users/alice/x"}}`)
	verifyPresigned(t, p, "", signer.Request{Method: "GET", Key: "/", Params: map[string]string{"uploads": "", "prefix": "users/alice/x"}})

	checkRefusals(t, f, []refusal{
		{"missing prefix", "/auth", sdkList(`{"uploads":""}`), 403, "KeyNotAllowed", "bucket itself"},
		{"empty prefix", "/auth", sdkList(`{"uploads":"","prefix":""}`), 403, "KeyNotAllowed", "bucket itself"},
		{"folder without its slash", "/auth", sdkList(`{"uploads":"","prefix":"users/alice"}`), 403, "KeyNotAllowed", "users/alice/"},
		{"prefix confusion", "/auth", sdkList(`{"uploads":"","prefix":"users/alice2/"}`), 403, "KeyNotAllowed", ""},
		{"another user", "/auth", sdkList(`{"uploads":"","prefix":"users/bob/"}`), 403, "KeyNotAllowed", ""},
		{"the parent", "/auth", sdkList(`{"uploads":"","prefix":"users/"}`), 403, "KeyNotAllowed", ""},
		{"dot segments", "/auth", sdkList(`{"uploads":"","prefix":"users/alice/../bob/"}`), 400, "InvalidKey", ""},
		{"encoded dot segments", "/auth", sdkList(`{"uploads":"","prefix":"users/alice/%2e%2e/bob/"}`), 400, "InvalidKey", ""},
		{"leading slash", "/auth", sdkList(`{"uploads":"","prefix":"/users/alice/"}`), 400, "InvalidKey", ""},
		{"another param", "/auth", sdkList(`{"uploads":"","prefix":"users/alice/","acl":""}`), 403, "KeyNotAllowed", ""},
		{"bad max-uploads", "/auth", sdkList(`{"uploads":"","prefix":"users/alice/","max-uploads":"5000"}`), 400, "InvalidParam", "max-uploads"},
		{"prefix in two spellings", "/auth", sdkList(`{"uploads":"","prefix":"users/alice/","PREFIX":"users/bob/"}`), 400, "InvalidParam", "PREFIX"},
		{"prefix spelt PREFİX", "/auth", sdkList(`{"uploads":"","PREF\u0130X":"users/alice/"}`), 400, "InvalidParam", "prefix"},
		{"an upload-only prefix", "/auth", sdkList(`{"uploads":"","prefix":"drop/"}`), 403, "MethodNotAllowed", "drop/=PUT"},
		{"list objects is opt-in", "/auth", sdkList(`{"prefix":"users/alice/"}`), 403, "KeyNotAllowed", "SIGN_ALLOW_PREFIX_LISTING"},
		{"whole bucket", "/auth", sdkList(`{}`), 403, "KeyNotAllowed", "SIGN_ALLOW_BUCKET_OPERATIONS"},
		{"bucket PUT", "", `{"key":"/","method":"PUT"}`, 403, "KeyNotAllowed", ""},
		{"bucket DELETE", "", `{"key":"/","method":"DELETE"}`, 403, "KeyNotAllowed", ""},
		{"bucket ACL", "", `{"key":"/","params":{"acl":""}}`, 403, "KeyNotAllowed", ""},
		{"bucket HEAD", "", `{"key":"/","method":"HEAD","params":{"uploads":"","prefix":"users/alice/"}}`, 403, "KeyNotAllowed", ""},
		{"post policy for the bucket", "/post-policy", `{"key":"/"}`, 403, "KeyNotAllowed", "one object"},
	})

	anon := newFixture(t, prodLike)
	a := anon.post("/auth", sdkList(`{"uploads":"","prefix":"users/alice/"}`))
	assert.Equal(t, 403, a.status, "no identity, no {sub}")
	assert.Equal(t, 200, anon.post("/auth", sdkList(`{"uploads":"","prefix":"public/"}`)).status)

	// The default policy (no prefixes) lists any non-empty prefix, never the whole bucket.
	open := newFixture(t, nil)
	assert.Equal(t, 200, open.post("/auth", sdkList(`{"uploads":"","prefix":"a.bin"}`)).status)
	assert.Equal(t, 403, open.post("/auth", sdkList(`{"uploads":""}`)).status)

	ops := newFixture(t, map[string]string{"SIGN_ALLOW_BUCKET_OPERATIONS": "true"})
	assert.Equal(t, 200, ops.post("/auth", sdkList(`{"uploads":""}`)).status)
	assert.Equal(t, 200, ops.post("/auth", sdkList(`{"uploads":"","prefix":"any/"}`)).status)
	assert.Equal(t, 200, ops.post("/presign", `{"key":"/","params":{"prefix":"any/","max-keys":"10"}}`).status)
}

func TestPrefixListingOptIn(t *testing.T) {
	over := map[string]string{"SIGN_ALLOW_PREFIX_LISTING": "true"}
	for k, v := range prodLike {
		over[k] = v
	}
	f := withIdentity(t, over, "alice")
	q := map[string]string{"prefix": "users/alice/", "delimiter": "/", "marker": "users/alice/m", "max-keys": "100", "encoding-type": "url"}
	a := f.post("/presign", `{"key":"/","params":{"prefix":"users/alice/","delimiter":"/","marker":"users/alice/m","max-keys":"100","encoding-type":"url"}}`)
	verifyPresigned(t, a, "", signer.Request{Method: "GET", Key: "/", Params: q})
	checkRefusals(t, f, []refusal{
		{"another user's folder", "", `{"key":"/","params":{"prefix":"users/bob/"}}`, 403, "KeyNotAllowed", ""},
		{"no prefix", "", `{"key":"/","params":{"delimiter":"/"}}`, 403, "KeyNotAllowed", ""},
		{"without the slash", "", `{"key":"/","params":{"prefix":"users/alice"}}`, 403, "KeyNotAllowed", ""},
		{"an uploads param", "", `{"key":"/","params":{"prefix":"users/alice/","key-marker":"x"}}`, 403, "KeyNotAllowed", ""},
	})
}

func TestPostToTheBucketSaysWhatToUse(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	// cos-wx-sdk-v5's postObject (its default for files up to 1 MB).
	root := f.post("/auth", `{"Method":"post","Key":"","Pathname":"/","Headers":{"Host":"`+testHost+`"}}`)
	assert.Equal(t, 403, root.status)
	assert.Equal(t, "KeyNotAllowed", root.code())
	assert.Contains(t, root.message(), "SimpleUploadMethod: 'putObject'")
	assert.Contains(t, root.message(), "/post-policy")
}

func TestHeadersTheSDKsAddAreSignable(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	// A retry (all three SDKs) adds x-cos-sdk-retry, as a JSON boolean in
	// the browser and node SDKs.
	a := f.post("/auth", `{"Method":"put","Key":"a.jpg","Headers":{"x-cos-sdk-retry":true,"x-cos-forbid-overwrite":"true","Content-Length":"3","Expect":"100-continue"}}`)
	verifyAuth(t, a, "", signer.Request{Method: "PUT", Key: "a.jpg", Headers: map[string]string{"x-cos-sdk-retry": "true", "x-cos-forbid-overwrite": "true", "Content-Length": "3", "Expect": "100-continue"}})
	// Resuming an upload lists its parts.
	l := f.post("/auth", `{"Method":"get","Key":"a.bin","Query":{"uploadId":"U","max-parts":"1000","part-number-marker":"3","encoding-type":"url"}}`)
	assert.Equal(t, 200, l.status, "%s", l.body)
}

func TestUploadLimitsEveryCreatingRequest(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}, "alice")
	// InitiateMultipartUpload carries the object's type: checked and signed.
	init := f.post("/presign", `{"key":"a.jpg","method":"POST","params":{"uploads":""},"contentType":"image/jpeg"}`)
	verifyPresigned(t, init, "", signer.Request{Method: "POST", Key: "a.jpg", Params: map[string]string{"uploads": ""}, Headers: map[string]string{"Content-Type": "image/jpeg"}})
	// Complete lists parts already bounded; it needs no type.
	done := f.post("/presign", `{"key":"a.jpg","method":"POST","params":{"uploadId":"U"}}`)
	assert.Equal(t, 200, done.status, "%s", done.body)
	// A part carries an allowed type too (issue 22): COS ignores it on a
	// part, and it holds if the URL is re-sent as a PUT Object.
	part := f.post("/presign", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U","partNumber":"2"},"contentType":"image/jpeg","contentLength":1048576}`)
	verifyPresigned(t, part, "", signer.Request{Method: "PUT", Key: "a.jpg", Params: map[string]string{"uploadId": "U", "partNumber": "2"},
		Headers: map[string]string{"Content-Type": "image/jpeg", "Content-Length": "1048576"}})

	checkRefusals(t, f, []refusal{
		{"initiate text/html", "", `{"key":"a.jpg","method":"POST","params":{"uploads":""},"headers":{"Content-Type":"text/html"}}`, 403, "ContentTypeNotAllowed", "text/html"},
		{"initiate without a type", "", `{"key":"a.jpg","method":"POST","params":{"uploads":""}}`, 400, "MissingContentType", ""},
		{"part without partNumber", "", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U"},"contentLength":1}`, 400, "MissingPartNumber", ""},
		{"part without uploadId", "", `{"key":"a.jpg","method":"PUT","params":{"partNumber":"1"},"contentLength":1}`, 400, "MissingUploadId", ""},
		{"part too large", "", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U","partNumber":"1"},"contentLength":1048577}`, 403, "ContentLengthNotAllowed", ""},
		{"part without a length", "", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U","partNumber":"1"},"contentType":"image/jpeg"}`, 400, "MissingContentLength", "part"},
		{"part without a type", "", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U","partNumber":"1"},"contentLength":1}`, 400, "MissingContentType", "PUT Object"},
		{"part of html", "", `{"key":"a.jpg","method":"PUT","params":{"uploadId":"U","partNumber":"1"},"contentType":"text/html","contentLength":1}`, 403, "ContentTypeNotAllowed", "text/html"},
		{"part spelt PARTNUMBER", "", `{"key":"a.jpg","method":"PUT","params":{"UPLOADID":"U","PARTNUMBER":"1"},"contentType":"text/html","contentLength":1}`, 400, "InvalidParam", "not COS's spelling"},
		{"POST to a key", "", `{"key":"a.jpg","method":"POST","contentType":"text/html"}`, 403, "PostNotAllowed", "/post-policy"},
		{"POST append", "", `{"key":"a.jpg","method":"POST","params":{"uploads":"","uploadId":"U"}}`, 403, "PostNotAllowed", ""},
		{"list in a type", "", `{"key":"a.jpg","method":"PUT","contentType":"image/png, text/html","contentLength":1}`, 400, "InvalidContentType", "list"},
		{"non-ASCII type", "", `{"key":"a.jpg","method":"PUT","contentType":"İmage/png","contentLength":1}`, 400, "InvalidContentType", "ASCII"},
		{"svg through image/*", "", `{"key":"a.svg","method":"PUT","contentType":"image/svg+xml","contentLength":1}`, 403, "ContentTypeNotAllowed", "listed by name"},
		{"response-content-type text/html", "/download", `{"key":"a.jpg","params":{"response-content-type":"text/html"}}`, 403, "ContentTypeNotAllowed", "response-content-type"},
		{"response-content-type list", "", `{"key":"a.jpg","params":{"response-content-type":"image/png,text/html"}}`, 400, "InvalidContentType", ""},
		{"response-content-type spelt otherwise", "", `{"key":"a.jpg","params":{"Response-Content-Type":"text/html"}}`, 400, "InvalidParam", "response-content-type"},
	})
	ok := f.post("/download", `{"key":"a.jpg","params":{"response-content-type":"image/png"}}`)
	assert.Equal(t, 200, ok.status, "%s", ok.body)

	// What the browser and wx SDKs pass to getAuthorization: no Content-Type,
	// and no Content-Length for parts. The refusal says so, and what works.
	for name, body := range map[string]string{
		"putObject":   `{"Method":"put","Key":"a.jpg","Headers":{"Content-Length":"10"}}`,
		"initiate":    `{"Method":"post","Key":"a.jpg","Query":{"uploads":""}}`,
		"upload part": `{"Method":"put","Key":"a.jpg","Query":{"partNumber":"1","uploadId":"U"}}`,
	} {
		a := f.post("/auth", body)
		assert.Equal(t, 400, a.status, name)
		for _, way := range []string{"getAuthorization", "/presign", "/post-policy", "/sts"} {
			assert.Contains(t, a.message(), way, name)
		}
	}
	p := f.post("/presign", `{"key":"a.jpg","method":"PUT","contentLength":1}`)
	assert.NotContains(t, p.message(), "getAuthorization", "the SDK hint is for /auth")
}

func TestPostPolicyIndependentOfPerRequestPOST(t *testing.T) {
	noPost := withIdentity(t, map[string]string{"SIGN_ALLOWED_METHODS": "GET,PUT"}, "alice")
	verifyPolicy(t, noPost.post("/post-policy", `{"key":"a.jpg","contentLength":2048}`), "")
	r := noPost.post("/presign", `{"key":"a.jpg","method":"POST","params":{"uploads":""}}`)
	assert.Equal(t, "MethodNotAllowed", r.code())

	readOnly := withIdentity(t, map[string]string{"SIGN_ALLOWED_METHODS": "GET"}, "alice")
	assert.Equal(t, "MethodNotAllowed", readOnly.post("/post-policy", `{"key":"a.jpg"}`).code())

	// Per-prefix methods bind form uploads too.
	f := withIdentity(t, prodLike, "alice")
	verifyPolicy(t, f.post("/post-policy", `{"key":"drop/a.jpg","contentLength":2048}`), "")
	verifyPolicy(t, f.post("/post-policy", `{"key":"users/alice/a.jpg","contentLength":2048}`), "")
	pub := f.post("/post-policy", `{"key":"public/a.jpg"}`)
	assert.Equal(t, 403, pub.status)
	assert.Equal(t, "MethodNotAllowed", pub.code())
}

func TestPerPrefixMethods(t *testing.T) {
	f := withIdentity(t, prodLike, "alice")
	for _, m := range []string{"GET", "HEAD"} {
		assert.Equal(t, 200, f.post("/presign", `{"key":"public/a.pdf","method":"`+m+`"}`).status, m)
	}
	for _, m := range []string{"PUT", "DELETE"} {
		a := f.post("/presign", `{"key":"public/a.pdf","method":"`+m+`"}`)
		assert.Equal(t, 403, a.status, m)
		assert.Equal(t, "MethodNotAllowed", a.code(), m)
		assert.Contains(t, a.message(), "public/=GET|HEAD")
	}
	assert.Equal(t, "MethodNotAllowed", f.post("/presign", `{"key":"drop/a","method":"GET"}`).code())
	assert.Equal(t, 200, f.post("/presign", `{"key":"drop/a","method":"PUT"}`).status)
	assert.Equal(t, 200, f.post("/presign", `{"key":"users/alice/a","method":"DELETE"}`).status)
	assert.Equal(t, "KeyNotAllowed", f.post("/presign", `{"key":"users/bob/a","method":"GET"}`).code())

	// A server-chosen key goes to the first prefix that takes the method.
	chosen := withIdentity(t, map[string]string{"SIGN_KEY_PREFIXES": "public/=GET,users/{sub}/"}, "alice")
	c := chosen.post("/presign", `{"ext":"jpg"}`)
	require.Equal(t, 200, c.status, "%s", c.body)
	assert.True(t, strings.HasPrefix(c.str("key"), "users/alice/"), c.str("key"))

	env := baseEnv()
	env["SIGN_KEY_PREFIXES"] = "public/=GET|DELETE"
	_, err := LoadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SIGN_ALLOWED_METHODS")
}

func TestCopySources(t *testing.T) {
	over := map[string]string{"SIGN_ALLOWED_HEADERS": "x-cos-copy-source,x-cos-rename-source,x-cos-metadata-directive,content-type,content-length"}
	for k, v := range prodLike {
		over[k] = v
	}
	f := withIdentity(t, over, "alice")
	ok := f.post("/presign", `{"key":"users/alice/copy.jpg","method":"PUT","headers":{"x-cos-copy-source":"`+testHost+`/users/alice/a.jpg"}}`)
	verifyPresigned(t, ok, "", signer.Request{Method: "PUT", Key: "users/alice/copy.jpg", Headers: map[string]string{"x-cos-copy-source": testHost + "/users/alice/a.jpg"}})
	assert.Equal(t, 200, f.post("/presign", `{"key":"users/alice/b.jpg","method":"PUT","headers":{"x-cos-copy-source":"`+testHost+`/public/a.jpg"}}`).status, "public/ may be read")
	checkRefusals(t, f, []refusal{
		{"another user's object", "", `{"key":"users/alice/x.jpg","method":"PUT","headers":{"x-cos-copy-source":"` + testHost + `/users/bob/secret.jpg"}}`, 403, "CopySourceNotAllowed", "users/bob/secret.jpg"},
		{"part copy of another user's object", "", `{"key":"users/alice/x.jpg","method":"PUT","params":{"partNumber":"1","uploadId":"U"},"headers":{"x-cos-copy-source":"` + testHost + `/users/bob/secret.jpg"}}`, 403, "CopySourceNotAllowed", ""},
		{"rename from another user", "", `{"key":"users/alice/x.jpg","method":"PUT","headers":{"x-cos-rename-source":"/users/bob/secret.jpg"}}`, 403, "CopySourceNotAllowed", ""},
		{"another bucket", "", `{"key":"users/alice/x.jpg","method":"PUT","headers":{"x-cos-copy-source":"victim-1250000001.cos.ap-guangzhou.myqcloud.com/users/alice/a.jpg"}}`, 403, "CopySourceNotAllowed", "bucket"},
		{"encoded dots", "", `{"key":"users/alice/x.jpg","method":"PUT","headers":{"x-cos-copy-source":"` + testHost + `/users/alice/%2e%2e/bob/secret.jpg"}}`, 400, "InvalidCopySource", ""},
		{"encoded slashes", "", `{"key":"users/alice/x.jpg","method":"PUT","headers":{"x-cos-copy-source":"` + testHost + `/users%2Falice%2F..%2Fbob%2Fsecret.jpg"}}`, 400, "InvalidCopySource", ""},
	})
}

func TestPerRequestCaps(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_ALLOWED_HEADERS": "*", "SIGN_ALLOWED_PARAMS": "*"}, "alice")
	many := func(n int, fmtName string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"`+fmtName+`":"v"`, i)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	assert.Equal(t, 200, f.post("/presign", `{"key":"k","headers":`+many(maxHeaders, "x-cos-meta-%d")+`}`).status)
	checkRefusals(t, f, []refusal{
		{"headers", "", `{"key":"k","headers":` + many(maxHeaders+1, "x-cos-meta-%d") + `}`, 400, "TooManyHeaders", "64"},
		{"params", "", `{"key":"k","params":` + many(maxParams+1, "p%d") + `}`, 400, "TooManyParams", "64"},
	})
}

func TestCORSAllowedHeaders(t *testing.T) {
	pre := func(f *fixture) string {
		a := f.serve(&Request{Method: "OPTIONS", Path: "/auth", Header: map[string]string{"origin": "https://app.example.com"}})
		return a.header["Access-Control-Allow-Headers"]
	}
	def := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com"})
	assert.Equal(t, "Authorization, Content-Type, X-Auth-Token, X-Request-Id, X-Requested-With", pre(def))
	set := newFixture(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com", "CORS_ALLOWED_HEADERS": "Authorization, X-Auth-Token,X-Trace-Id"})
	assert.Equal(t, "Authorization, X-Auth-Token, X-Trace-Id", pre(set))
}

func TestBatchLogsEveryEntry(t *testing.T) {
	f := withIdentity(t, prodLike, "alice")
	a := f.post("/batch", `{"requests":[{"key":"users/alice/a.jpg","method":"PUT"},{"key":"users/bob/b.jpg","method":"PUT"},`+
		`{"action":"download","key":"public/c.pdf"},{"action":"post-policy","key":"public/d.pdf"},{"key":"users/alice/../bob/x"}]}`)
	require.Equal(t, 200, a.status, "%s", a.body)
	var line struct {
		Batch []map[string]string `json:"batch"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines(f.log.String())[0]), &line))
	assert.Equal(t, []map[string]string{
		{"route": "presign", "method": "PUT", "key": "users/alice/a.jpg", "decision": "allowed"},
		{"route": "presign", "method": "PUT", "key": "users/bob/b.jpg", "decision": "refused", "code": "KeyNotAllowed"},
		{"route": "download", "method": "GET", "key": "public/c.pdf", "decision": "allowed"},
		{"route": "post-policy", "method": "POST", "key": "public/d.pdf", "decision": "refused", "code": "MethodNotAllowed"},
		{"route": "presign", "method": "GET", "key": "users/alice/../bob/x", "decision": "invalid", "code": "InvalidKey"},
	}, line.Batch)
	assert.NotContains(t, f.log.String(), "q-signature", "no signature in the log")
}

func TestBatchAnswerIsBounded(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	headers := make([]string, maxHeaders)
	for i := range headers {
		headers[i] = fmt.Sprintf(`"x-cos-meta-%d":%q`, i, strings.Repeat("v", 900))
	}
	entries := strings.TrimSuffix(strings.Repeat(`{"key":"a.jpg"},`, 100), ",")
	body := `{"headers":{` + strings.Join(headers, ",") + `},"requests":[` + entries + `]}`
	require.Less(t, len(body), DefaultMaxBodyBytes, "a body under the limit")
	a := f.post("/batch", body)
	assert.Equal(t, 413, a.status)
	assert.Equal(t, "AnswerTooLarge", a.code())
	assert.Contains(t, a.message(), "1048576")

	small := f.post("/batch", `{"headers":{`+strings.Join(headers[:4], ",")+`},"requests":[`+entries+`]}`)
	assert.Equal(t, 200, small.status)
	assert.Less(t, len(small.body), maxBatchAnswerBytes)
}

func TestRegionComparedAsTencentCloudNamesIt(t *testing.T) {
	for _, configured := range []string{"cos.ap-guangzhou", "cosgz", "AP-GUANGZHOU"} {
		f := newFixture(t, map[string]string{"COS_REGION": configured})
		a := f.post("/presign", `{"key":"k","region":"ap-guangzhou"}`)
		require.Equal(t, 200, a.status, "%s: %s", configured, a.body)
		assert.True(t, strings.HasPrefix(a.str("url"), "https://"+testHost+"/k?"), a.str("url"))
		assert.Equal(t, "RegionNotAllowed", f.post("/presign", `{"key":"k","region":"ap-beijing"}`).code())
	}
}
