package hostiletest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/internal/authtest"
)

// Profiles for the key-policy cases (issues 9 and 12).
var (
	// JWTPerPrefix gives each caller users/{sub}/ and everyone read-only
	// public/.
	JWTPerPrefix = merge(JWT, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub},public/=GET|HEAD", "SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE"})
	// CopyListed lists the copy and rename sources by name: the source must
	// still lie inside the caller's prefixes.
	CopyListed = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true",
		"SIGN_ALLOWED_HEADERS": "x-cos-copy-source,x-cos-rename-source,content-type,content-length"}
	// FormsWithoutPOST offers form uploads (/post-policy) without
	// per-request POST.
	FormsWithoutPOST = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_ALLOWED_METHODS": "GET,PUT"}
	// BucketWrites lets anonymous callers sign every method, so that bucket
	// PUT and DELETE reach the bucket check.
	BucketWrites = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_ALLOWED_METHODS": "GET,HEAD,PUT,POST,DELETE"}
)

// scopeCases: every refused bucket-level request, and each gap of the
// adversarial review (issue 12), refused with its documented status and code.
func scopeCases(t testing.TB) []Case {
	t.Helper()
	var cs caseTable
	add := cs.add
	// list is what cos-js-sdk-v5's multipartList asks /auth to sign.
	list := func(query map[string]any) Request {
		return PostJSON("/auth", map[string]any{"Bucket": Bucket, "Region": Region, "Method": "get", "Key": "", "Pathname": "/",
			"Query": query, "Headers": map[string]any{"Host": Host}})
	}
	bucket := func(method string, params map[string]any) Request {
		return PostJSON("/presign", map[string]any{"key": "/", "method": method, "params": params})
	}

	// Bucket-level requests: only a listing inside the caller's prefixes.
	add("list uploads without a prefix", nil, list(map[string]any{"uploads": ""}), 403, "KeyNotAllowed")
	add("list uploads with an empty prefix", nil, list(map[string]any{"uploads": "", "prefix": ""}), 403, "KeyNotAllowed")
	add("list uploads of the folder without its slash", nil, list(map[string]any{"uploads": "", "prefix": "uploads/user1"}), 403, "KeyNotAllowed")
	add("list uploads prefix confusion user1 vs user10", nil, list(map[string]any{"uploads": "", "prefix": "uploads/user10/"}), 403, "KeyNotAllowed")
	add("list uploads of the parent folder", nil, list(map[string]any{"uploads": "", "prefix": "uploads/"}), 403, "KeyNotAllowed")
	add("list uploads outside", nil, list(map[string]any{"uploads": "", "prefix": "private/"}), 403, "KeyNotAllowed")
	for _, p := range []string{"uploads/user1/../user2/", "uploads/user1/%2e%2e/user2/", "uploads/user1/%252e%252e/", "uploads/user1/.%2E/x", "/uploads/user1/", "uploads//user1/"} {
		add("list uploads prefix "+p, nil, list(map[string]any{"uploads": "", "prefix": p}), 400, "InvalidKey")
	}
	add("list uploads prefix in two spellings", nil, list(map[string]any{"uploads": "", "prefix": "uploads/user1/", "Prefix": "private/"}), 400, "InvalidParam")
	// Issue 22, finding 1: a name that folds to prefix but is not COS's
	// spelling of it is no prefix to COS, so it is refused, not read as one.
	for _, p := range []string{"PREF\u0130X", "pref\u0131x", "Prefix", "PREFIX", "pre\ufb01x"} {
		add("list uploads with prefix spelt "+p, nil, list(map[string]any{"uploads": "", p: "uploads/user1/"}), 400, "InvalidParam")
		add("presigned list uploads with prefix spelt "+p, nil, bucket("GET", map[string]any{"uploads": "", p: "uploads/user1/"}), 400, "InvalidParam")
	}
	add("list uploads spelt Uploads", nil, list(map[string]any{"Uploads": "", "prefix": "uploads/user1/"}), 400, "InvalidParam")
	add("download list with prefix spelt PREFİX", nil, Get("/download", map[string][]string{"key": {"/"}, "redirect": {"1"},
		"params[uploads]": {""}, "params[PREF\u0130X]": {"uploads/user1/"}}), 400, "InvalidParam")
	add("list uploads with acl", nil, list(map[string]any{"uploads": "", "prefix": "uploads/user1/", "acl": ""}), 403, "KeyNotAllowed")
	add("list uploads max-uploads 0", nil, list(map[string]any{"uploads": "", "prefix": "uploads/user1/", "max-uploads": "0"}), 400, "InvalidParam")
	add("list uploads with HEAD", nil, bucket("HEAD", map[string]any{"uploads": "", "prefix": "uploads/user1/"}), 403, "KeyNotAllowed")
	add("list uploads in a batch", nil, PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"key": "/", "params": map[string]any{"uploads": "", "prefix": "uploads/user1/"}},
		map[string]any{"key": "/", "params": map[string]any{"uploads": "", "prefix": "uploads/user10/"}},
		map[string]any{"key": "/", "params": map[string]any{"uploads": ""}}}}), 200, "").Expect.Entries = []string{"", "KeyNotAllowed", "KeyNotAllowed"}
	add("list objects is off by default", nil, bucket("GET", map[string]any{"prefix": "uploads/user1/"}), 403, "KeyNotAllowed")
	listing := map[string]string{"SIGN_ALLOW_PREFIX_LISTING": "true"}
	add("list objects of the whole bucket", listing, bucket("GET", map[string]any{"delimiter": "/"}), 403, "KeyNotAllowed")
	add("list objects outside", listing, bucket("GET", map[string]any{"prefix": "private/"}), 403, "KeyNotAllowed")
	add("list objects without the slash", listing, bucket("GET", map[string]any{"prefix": "uploads/user1"}), 403, "KeyNotAllowed")
	add("list objects with encoded dots", listing, bucket("GET", map[string]any{"prefix": "uploads/user1/%2e%2e/"}), 400, "InvalidKey")
	for _, sub := range []string{"acl", "policy", "cors", "lifecycle", "tagging", "website", "versioning", "logging", "referer", "inventory"} {
		add("bucket GET ?"+sub, Wildcards, bucket("GET", map[string]any{sub: ""}), 403, "KeyNotAllowed")
	}
	add("bucket PUT", BucketWrites, bucket("PUT", nil), 403, "KeyNotAllowed")
	add("bucket PUT ?acl", BucketWrites, PostJSON("/presign", map[string]any{"key": "/", "method": "PUT", "params": map[string]any{"acl": ""}}), 403, "KeyNotAllowed")
	add("bucket DELETE", BucketWrites, bucket("DELETE", nil), 403, "KeyNotAllowed")
	add("bucket DELETE with a listing's params", BucketWrites, bucket("DELETE", map[string]any{"uploads": "", "prefix": "uploads/user1/"}), 403, "KeyNotAllowed")
	add("post / (wx postObject)", AnonWrites, PostJSON("/auth", map[string]any{"Method": "post", "Key": "", "Pathname": "/", "Headers": map[string]any{"Host": Host}}), 403, "KeyNotAllowed")
	add("jwt list uploads of another user", JWT, withHeader(list(map[string]any{"uploads": "", "prefix": "users/user2/"}), bearer(t, "user1")), 403, "KeyNotAllowed")
	add("jwt list uploads user1 vs user10", JWT, withHeader(list(map[string]any{"uploads": "", "prefix": "users/user10/"}), bearer(t, "user1")), 403, "KeyNotAllowed")
	add("jwt list uploads without the slash", JWT, withHeader(list(map[string]any{"uploads": "", "prefix": "users/user1"}), bearer(t, "user1")), 403, "KeyNotAllowed")
	add("jwt list uploads anonymous", JWT, list(map[string]any{"uploads": "", "prefix": "users/user1/"}), 401, "Unauthorized")

	// 1. Upload limits hold for every request that creates an object.
	add("initiate multipart of html", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"uploads": ""}, "headers": map[string]any{"Content-Type": "text/html"}}), 403, "ContentTypeNotAllowed")
	add("initiate multipart without a type", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"uploads": ""}}), 400, "MissingContentType")
	add("initiate multipart on auth without a type", UploadLimits, PostJSON("/auth", map[string]any{"Method": "post", "Key": "uploads/user1/x.jpg",
		"Query": map[string]any{"uploads": ""}}), 400, "MissingContentType")
	add("PUT with uploadId and no partNumber", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "PUT",
		"params": map[string]any{"uploadId": "U"}, "contentLength": 10}), 400, "MissingPartNumber")
	add("part without a length", UploadLimits, PostJSON("/auth", map[string]any{"Method": "put", "Key": "uploads/user1/x.jpg",
		"Query": map[string]any{"uploadId": "U", "partNumber": "1"}, "Headers": map[string]any{"Content-Type": "image/png"}}), 400, "MissingContentLength")
	// Issue 22, finding 2: a part URL re-sent as PARTNUMBER&UPLOADID is a
	// PUT Object, so under a type list a part is signed with an allowed
	// type, and the service signs no other spelling of the part params.
	add("part without a type", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "PUT",
		"params": map[string]any{"uploadId": "U", "partNumber": "1"}, "contentLength": 10}), 400, "MissingContentType")
	add("part of html", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "PUT",
		"params": map[string]any{"uploadId": "U", "partNumber": "1"}, "contentType": "text/html", "contentLength": 10}), 403, "ContentTypeNotAllowed")
	add("part params in capitals", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.png", "method": "PUT",
		"params": map[string]any{"UPLOADID": "x", "PARTNUMBER": "1"}, "headers": map[string]any{"Content-Type": "text/html"}, "contentLength": 26}), 400, "InvalidParam")
	add("part params in capitals on auth", UploadLimits, PostJSON("/auth", map[string]any{"Method": "PUT", "Key": "uploads/user1/x.png",
		"Query": map[string]any{"uploadId": "x", "PartNumber": "1"}, "Headers": map[string]any{"Content-Type": "text/html", "Content-Length": "26"}}), 400, "InvalidParam")
	add("tagging PUT of html", merge(UploadLimits, map[string]string{"SIGN_ALLOWED_PARAMS": "tagging"}), PostJSON("/presign", map[string]any{"key": "uploads/user1/x.png", "method": "PUT",
		"params": map[string]any{"tagging": ""}, "contentType": "text/html", "contentLength": 26}), 403, "ContentTypeNotAllowed")
	add("tagging PUT without a length", merge(UploadLimits, map[string]string{"SIGN_ALLOWED_PARAMS": "tagging"}), PostJSON("/presign", map[string]any{"key": "uploads/user1/x.png", "method": "PUT",
		"params": map[string]any{"tagging": ""}, "contentType": "image/png"}), 400, "MissingContentLength")
	add("part over the limit", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "PUT",
		"params": map[string]any{"uploadId": "U", "partNumber": "1"}, "contentLength": 1048577}), 403, "ContentLengthNotAllowed")
	add("POST to a key", AnonWrites, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST"}), 403, "PostNotAllowed")
	add("POST append", Wildcards, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"append": "", "position": "0"}}), 403, "PostNotAllowed")
	add("POST restore", Wildcards, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"restore": ""}}), 403, "PostNotAllowed")
	add("POST initiate and complete at once", Wildcards, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"uploads": "", "uploadId": "U"}}), 403, "PostNotAllowed")
	add("per-request POST when only forms are offered", FormsWithoutPOST, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.jpg", "method": "POST",
		"params": map[string]any{"uploads": ""}}), 403, "MethodNotAllowed")

	// 2. Copy and rename sources, metadata directive, website redirect.
	for _, env := range []struct {
		name string
		env  map[string]string
	}{{"wildcards", Wildcards}, {"x-cos-*", XCosWildcard}} {
		for _, h := range []string{"x-cos-copy-source", "X-Cos-Copy-Source", "x-cos-copy-source-range", "x-cos-copy-source-if-match", "x-cos-rename-source",
			"x-cos-metadata-directive", "x-cos-website-redirect-location", "x-cos-callback"} {
			add(fmt.Sprintf("sensitive header %s (%s)", h, env.name), env.env, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
				"headers": map[string]any{h: Host + "/uploads/user2/secret.jpg"}}), 403, "HeaderNotAllowed")
		}
	}
	add("sensitive header Pic-Operations (wildcards)", Wildcards, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
		"headers": map[string]any{"Pic-Operations": `{"rules":[{"fileid":"/private/x.jpg","rule":"imageMogr2/format/png"}]}`}}), 403, "HeaderNotAllowed")
	copyFrom := func(name, source string, params map[string]any) Request {
		return PostJSON("/presign", map[string]any{"key": "uploads/user1/copy.jpg", "method": "PUT", "params": params,
			"headers": map[string]any{name: source}})
	}
	add("copy of another user's object", CopyListed, copyFrom("x-cos-copy-source", Host+"/uploads/user2/secret.jpg", nil), 403, "CopySourceNotAllowed")
	add("copy from outside the prefixes", CopyListed, copyFrom("x-cos-copy-source", Host+"/private/secret.jpg", nil), 403, "CopySourceNotAllowed")
	add("copy user1 vs user10", CopyListed, copyFrom("x-cos-copy-source", Host+"/uploads/user10/secret.jpg", nil), 403, "CopySourceNotAllowed")
	add("part copy of another user's object", CopyListed, copyFrom("x-cos-copy-source", Host+"/uploads/user2/secret.jpg",
		map[string]any{"partNumber": "1", "uploadId": "U"}), 403, "CopySourceNotAllowed")
	add("copy from another bucket", CopyListed, copyFrom("x-cos-copy-source", "victim-1250000001.cos.ap-guangzhou.myqcloud.com/uploads/user1/a.jpg", nil), 403, "CopySourceNotAllowed")
	add("copy with encoded dots", CopyListed, copyFrom("x-cos-copy-source", Host+"/uploads/user1/%2e%2e/user2/secret.jpg", nil), 400, "InvalidCopySource")
	add("copy with encoded slashes", CopyListed, copyFrom("x-cos-copy-source", Host+"/uploads%2Fuser1%2F..%2Fuser2%2Fsecret.jpg", nil), 400, "InvalidCopySource")
	add("copy with a scheme", CopyListed, copyFrom("x-cos-copy-source", "https://"+Host+"/uploads/user1/a.jpg", nil), 400, "InvalidCopySource")
	add("rename of another user's object", CopyListed, copyFrom("x-cos-rename-source", "/uploads/user2/secret.jpg", nil), 403, "CopySourceNotAllowed")
	// Issue 22, finding 3: a rename moves its source (GET and DELETE
	// there, and DELETE is not in the default SIGN_ALLOWED_METHODS); a copy
	// takes its source's size and type, past the upload limits.
	add("rename out of a folder the caller may only read", merge(CopyListed, map[string]string{"SIGN_ALLOWED_PARAMS": "rename"}),
		copyFrom("x-cos-rename-source", "/public/a.jpg", map[string]any{"rename": ""}), 403, "CopySourceNotAllowed")
	add("copy under the upload limits", merge(CopyListed, map[string]string{"SIGN_MAX_CONTENT_LENGTH": "1048576"}),
		PostJSON("/presign", map[string]any{"key": "uploads/user1/copy.jpg", "method": "PUT", "contentLength": 0,
			"headers": map[string]any{"x-cos-copy-source": Host + "/public/big.jpg"}}), 403, "CopyNotAllowed")

	// 3. Content types are media types.
	put := func(ct string) Request {
		return PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": ct, "contentLength": 10})
	}
	add("upload type list (browsers take the last)", UploadLimits, put("image/png, text/html"), 400, "InvalidContentType")
	add("upload type with a dotted capital I", UploadLimits, put("İmage/png"), 400, "InvalidContentType")
	add("upload of svg through image/*", UploadLimits, put("image/svg+xml"), 403, "ContentTypeNotAllowed")
	add("upload of xhtml", UploadLimits, put("application/xhtml+xml"), 403, "ContentTypeNotAllowed")
	add("upload of html with parameters", UploadLimits, put("TEXT/HTML; charset=utf-8"), 403, "ContentTypeNotAllowed")
	add("upload type without a subtype", UploadLimits, put("image"), 400, "InvalidContentType")
	add("post-policy of a type list", UploadLimits, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg", "contentType": "image/png, text/html"}), 400, "InvalidContentType")
	add("post-policy of svg", UploadLimits, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg", "contentType": "image/svg+xml"}), 403, "ContentTypeNotAllowed")
	add("post-policy without a type under image/*", UploadLimits, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg"}), 400, "MissingContentType")
	add("download as html", UploadLimits, PostJSON("/download", map[string]any{"key": "uploads/user1/a.jpg",
		"params": map[string]any{"response-content-type": "text/html"}}), 403, "ContentTypeNotAllowed")
	add("download as html in a GET form", UploadLimits, Get("/download", map[string][]string{"key": {"public/a.jpg"},
		"response-content-type": {"text/html"}}), 403, "ContentTypeNotAllowed")
	add("download as a type list", UploadLimits, PostJSON("/presign", map[string]any{"key": "public/a.jpg",
		"params": map[string]any{"response-content-type": "image/png,text/html"}}), 400, "InvalidContentType")

	// 4. The caller does not choose the signed host.
	for _, r := range []string{"cos.ap-guangzhou.myqcloud.com.otherbucket-1250000000.cos.ap-guangzhou", "cos.ap-guangzhou", "accelerate",
		"cos.accelerate", "ap-beijing", "ap-guangzhou.myqcloud.com"} {
		add("region "+r, nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "region": r}), 403, "RegionNotAllowed")
	}
	add("region accelerate in the SDK options", nil, PostJSON("/auth", map[string]any{"Method": "get", "Key": "public/a.pdf", "Region": "accelerate"}), 403, "RegionNotAllowed")

	// 5. Caps on names per request, also when a batch's entries inherit them.
	many := func(n int, format string) map[string]any {
		m := make(map[string]any, n)
		for i := 0; i < n; i++ {
			m[fmt.Sprintf(format, i)] = "v"
		}
		return m
	}
	add("too many headers", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "headers": many(65, "x-cos-meta-%d")}), 400, "TooManyHeaders")
	add("too many params", Wildcards, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "params": many(65, "p%d")}), 400, "TooManyParams")
	add("too many headers inherited by batch entries", nil, PostJSON("/batch", map[string]any{"headers": many(65, "x-cos-meta-%d"),
		"requests": []any{map[string]any{"key": "public/a.pdf"}, map[string]any{"key": "public/b.pdf"}}}), 200, "").
		Expect.Entries = []string{"TooManyHeaders", "TooManyHeaders"}

	// A body under the limit whose entries inherit its headers would ask
	// for an answer of several MB: refused as it is built.
	wide := make(map[string]any, 64)
	for i := 0; i < 64; i++ {
		wide[fmt.Sprintf("x-cos-meta-%d", i)] = strings.Repeat("v", 185)
	}
	add("batch amplification", map[string]string{"SIGN_MAX_BODY_BYTES": "65536", "SIGN_MAX_BATCH": "100"},
		PostJSON("/batch", map[string]any{"headers": wide, "requests": repeat(map[string]any{"key": "public/a"}, 100)}), 413, "AnswerTooLarge")

	// 7. A zero expiry is a missing expiry.
	add("jwt exp 0", JWT, withHeader(PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg"}),
		bearer(t, "user1", authtest.WithClaim("exp", 0))), 401, "Unauthorized")

	// 8. Prefixes carry their own methods.
	for _, m := range []string{"PUT", "DELETE", "POST"} {
		add("per-prefix "+m+" in read-only public/", JWTPerPrefix, withHeader(PostJSON("/presign", map[string]any{"key": "public/a.pdf", "method": m,
			"params": map[string]any{"uploads": ""}}), bearer(t, "user1")), 403, "MethodNotAllowed")
	}
	add("per-prefix form upload into read-only public/", JWTPerPrefix, withHeader(PostJSON("/post-policy", map[string]any{"key": "public/a.pdf"}), bearer(t, "user1")), 403, "MethodNotAllowed")
	add("per-prefix server-chosen key without a writable prefix", merge(JWT, map[string]string{"SIGN_KEY_PREFIXES": "public/=GET|HEAD"}),
		withHeader(PostJSON("/presign", map[string]any{"ext": "jpg"}), bearer(t, "user1")), 403, "KeyNotAllowed")

	return cs
}
