package hostiletest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
)

// Cases is the hostile table. Tokens are minted with authtest relative to
// Now, so runners must give the service Options.Now returning Now.
func Cases(t testing.TB) []Case {
	t.Helper()
	user1 := mintToken(t, "user1")

	var cs caseTable
	add := cs.add
	// presign is a POST /presign of a GET for key (reads are anonymous-ok).
	presign := func(key string) Request { return PostJSON("/presign", map[string]any{"key": key}) }

	// Key policy: prefix confusion and segment boundaries.
	add("prefix confusion user1 vs user10", nil, presign("uploads/user10/x.jpg"), 403, "KeyNotAllowed")
	add("prefix confusion sibling file", nil, presign("uploads/user1.jpg"), 403, "KeyNotAllowed")
	add("prefix confusion the prefix itself", nil, presign("uploads/user1"), 403, "KeyNotAllowed")
	add("prefix confusion case", nil, presign("Uploads/User1/x.jpg"), 403, "KeyNotAllowed")
	add("prefix outside", nil, presign("private/secret.txt"), 403, "KeyNotAllowed")

	// Dot segments, plain and percent-encoded, and encoded slashes.
	for _, k := range []string{
		"uploads/user1/../user2/x.jpg",
		"uploads/user1/./x.jpg",
		"uploads/user1/..",
		"uploads/user1/%2e%2e/user2/x.jpg",
		"uploads/user1/%2E%2E/user2/x.jpg",
		"uploads/user1/%2e%2E/user2/x.jpg",
		"uploads/user1/.%2e/user2/x.jpg",
		"uploads/user1/%2E./user2/x.jpg",
		"uploads/user1/%2e/x.jpg",
		"uploads/user1/%2E/x.jpg",
		"uploads/user1/..%2Fuser2/x.jpg",
		"uploads/user1/..%2fuser2/x.jpg",
		"uploads/user1/%2e%2e%2Fuser2%2Fx.jpg",
		"uploads/user1%2F..%2F..%2Fprivate/x",
		"uploads/user1/%252e%252e/user2/x.jpg",
		"uploads/user1\\..\\user2\\x.jpg",
		"uploads/user1/..\\user2/x.jpg",
	} {
		add("dot segment "+k, nil, presign(k), 400, "InvalidKey")
	}
	// Leading '/' tricks and empty segments.
	add("leading double slash", nil, presign("//uploads/user1/x.jpg"), 400, "InvalidKey")
	add("leading slash dotdot", nil, presign("/../uploads/user1/x.jpg"), 400, "InvalidKey")
	add("leading slash dotdot outside", nil, presign("/../x"), 400, "InvalidKey")
	add("empty segment", nil, presign("uploads/user1//x.jpg"), 400, "InvalidKey")
	add("key of the bucket itself", nil, presign("/"), 403, "KeyNotAllowed")
	add("empty key", nil, presign(""), 403, "KeyNotAllowed")
	add("missing key", nil, PostJSON("/presign", map[string]any{"method": "GET"}), 400, "MissingKey")
	add("key with NUL", nil, presign("uploads/user1/a\x00.jpg"), 400, "InvalidKey")
	add("key with CRLF", nil, presign("uploads/user1/a\r\nx-cos-acl: public-read"), 400, "InvalidKey")
	add("key with DEL", nil, presign("uploads/user1/a\x7f.jpg"), 400, "InvalidKey")
	add("key over 850 bytes", nil, presign("uploads/user1/"+strings.Repeat("a", 850)), 400, "InvalidKey")
	add("key and pathname disagree", nil, PostJSON("/auth", map[string]any{"Method": "get", "Key": "uploads/user1/a.jpg", "Pathname": "/private/x"}), 400, "InvalidKey")
	add("query key with dotdot", nil, Get("/download", map[string][]string{"key": {"uploads/user1/../../private/x"}}), 400, "InvalidKey")
	add("query key prefix confusion", nil, Get("/presign", map[string][]string{"key": {"uploads/user10/x"}}), 403, "KeyNotAllowed")
	add("form body key with encoded dotdot", nil, Request{Method: "POST", Path: "/presign",
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		Body:   []byte("key=uploads%2Fuser1%2F..%2Fprivate%2Fx")}, 400, "InvalidKey")
	form := func(body string) Request {
		return Request{Method: "POST", Path: "/presign", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, Body: []byte(body)}
	}
	add("form body key given twice", nil, form("key=public%2Fa.pdf&key=uploads%2Fuser10%2Fx"), 400, "DuplicateName")
	add("form body key and KEY", nil, form("key=public%2Fa.pdf&KEY=uploads%2Fuser10%2Fx"), 400, "DuplicateName")
	add("form body malformed", nil, form("key=%zz"), 400, "InvalidForm")
	add("base64 body with dotdot key", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(),
		Body: mustJSON(map[string]any{"key": "uploads/user1/../private/x"}), Base64: true}, 400, "InvalidKey")

	// COS replaces ${filename} in a POST upload's key with the uploaded
	// file's name, which the uploader chooses freely (slashes and dot
	// segments included): the key the policy checked would not be the key
	// written.
	add("post-policy key with ${filename}", AnonWrites, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/${filename}"}), 400, "InvalidKey")
	add("post-policy key with ${filename} in a batch", AnonWrites, PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"action": "post-policy", "key": "uploads/user1/${filename}"}}}), 200, "").Expect.Entries = []string{"InvalidKey"}

	// Server-chosen keys cannot be steered.
	add("ext with a path", AnonWrites, PostJSON("/presign", map[string]any{"ext": "../x"}), 400, "InvalidExtension")
	add("ext with encoded slash", AnonWrites, PostJSON("/presign", map[string]any{"ext": "jpg%2f.."}), 400, "InvalidExtension")
	add("ext not allowed", Extensions, PostJSON("/presign", map[string]any{"ext": "html"}), 403, "ExtensionNotAllowed")
	add("written key extension not allowed", Extensions, PostJSON("/presign", map[string]any{"key": "uploads/user1/x.html", "method": "PUT"}), 403, "ExtensionNotAllowed")
	add("ext on download", AnonWrites, PostJSON("/download", map[string]any{"ext": "jpg"}), 400, "MissingKey")

	// Headers to sign: CR/LF and NUL, Host, names differing only in case.
	hdr := func(h map[string]any) Request {
		return PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "headers": h})
	}
	add("header name with CRLF", nil, hdr(map[string]any{"x-cos-meta-a\r\nx-cos-acl": "public-read"}), 400, "InvalidHeader")
	add("header value with CRLF", nil, hdr(map[string]any{"x-cos-meta-a": "v\r\nx-cos-acl: public-read"}), 400, "InvalidHeader")
	add("header value with LF", nil, hdr(map[string]any{"Content-Type": "image/png\nx-cos-acl: public-read"}), 400, "InvalidHeader")
	add("header name with NUL", nil, hdr(map[string]any{"x-cos-meta-a\x00": "1"}), 400, "InvalidHeader")
	add("header value with NUL", nil, hdr(map[string]any{"x-cos-meta-a": "1\x00"}), 400, "InvalidHeader")
	add("unsigned header name with CRLF", nil, hdr(map[string]any{"x-other\r\nhost": "evil.example"}), 400, "InvalidHeader")
	add("header name with colon", nil, hdr(map[string]any{"x-cos-meta-a:b": "1"}), 400, "InvalidHeader")
	for _, h := range []string{"Host", "host", "HOST", "hOsT"} {
		add("presign Host header "+h, nil, hdr(map[string]any{h: "evil.example.com"}), 400, "HostHeader")
		add("presign own Host header "+h, nil, hdr(map[string]any{h: Host}), 400, "HostHeader")
	}
	add("auth foreign Host header", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Key": "uploads/user1/a.jpg",
		"Headers": map[string]any{"Host": "evil.example.com"}}), 400, "HostHeader")
	add("auth Host header of another bucket", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Key": "uploads/user1/a.jpg",
		"Headers": map[string]any{"host": "otherbucket-1250000000.cos.ap-guangzhou.myqcloud.com"}}), 400, "HostHeader")
	add("auth Host header with CRLF", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Key": "uploads/user1/a.jpg",
		"Headers": map[string]any{"Host": Host + "\r\nx-cos-acl: public-read"}}), 400, "HostHeader")
	add("headers differing only in case", nil, hdr(map[string]any{"x-cos-meta-a": "1", "X-Cos-Meta-A": "2"}), 400, "DuplicateName")
	add("content-type differing only in case", nil, hdr(map[string]any{"Content-Type": "image/png", "content-type": "text/html"}), 400, "DuplicateName")
	add("params differing only in case", nil, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg",
		"params": map[string]any{"note": "a", "NOTE": "b"}}), 400, "DuplicateName")
	add("query params differing only in case", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"},
		"response-content-type": {"text/plain"}, "RESPONSE-CONTENT-TYPE": {"text/html"}}), 400, "DuplicateName")
	add("params and Query differing only in case", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Key": "public/a.pdf",
		"Query": map[string]any{"note": "a"}, "params": map[string]any{"Note": "b"}}), 400, "DuplicateName")
	add("request fields key and KEY in the query", nil, Get("/download", map[string][]string{
		"key": {"public/a.pdf"}, "KEY": {"uploads/user10/x"}}), 400, "DuplicateName")
	add("query key given twice", nil, Get("/download", map[string][]string{"key": {"public/a.pdf", "uploads/user10/x"}}), 400, "DuplicateName")
	add("query expired given twice", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"}, "expired": {"60", "999999"}}), 400, "DuplicateName")
	add("reserved param q-signature", Wildcards, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg",
		"params": map[string]any{"q-signature": "0000"}}), 400, "InvalidParam")
	add("param not allowed", nil, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg",
		"params": map[string]any{"q-signature": "0000"}}), 403, "ParamNotAllowed")
	add("foreign security token header", nil, hdr(map[string]any{"x-cos-security-token": "forged"}), 400, "InvalidCredentials")
	add("foreign security token param", nil, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg",
		"params": map[string]any{"x-cos-security-token": "forged"}}), 400, "InvalidCredentials")

	// Transport-level headers are never reflected.
	cors := add("CORS origin not listed", nil, Request{Method: "GET", Path: "/download",
		Query:  map[string][]string{"key": {"public/a.pdf"}},
		Header: map[string]string{"Origin": "https://evil.example"}}, 200, "")
	cors.Expect.AbsentHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"}
	crlfOrigin := add("CORS origin with CRLF", nil, Request{Method: "GET", Path: "/download",
		Query:  map[string][]string{"key": {"public/a.pdf"}},
		Header: map[string]string{"Origin": Origin + "\r\nSet-Cookie: a=b"}}, 200, "")
	crlfOrigin.Expect.AbsentHeaders = []string{"Access-Control-Allow-Origin", "Set-Cookie"}
	pre := add("CORS preflight origin not listed", nil, Request{Method: "OPTIONS", Path: "/presign",
		Header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}}, 204, "")
	pre.Expect.AbsentHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}
	rid := add("request id header with CRLF", nil, Request{Method: "GET", Path: "/download",
		Query:  map[string][]string{"key": {"public/a.pdf"}},
		Header: map[string]string{"X-Request-Id": "abc\r\nSet-Cookie: a=b"}}, 200, "")
	rid.Expect.AbsentHeaders = []string{"Set-Cookie"}
	anyOrigin := add("CORS any origin with CRLF", map[string]string{"CORS_ALLOWED_ORIGINS": "*"}, Request{Method: "OPTIONS", Path: "/auth",
		Header: map[string]string{"Origin": "https://a.example\r\nSet-Cookie: a=b", "Access-Control-Request-Method": "POST"}}, 204, "")
	anyOrigin.Expect.AbsentHeaders = []string{"Access-Control-Allow-Origin", "Set-Cookie"}
	add("request Host header is ignored", nil, Request{Method: "POST", Path: "/presign",
		Header: map[string]string{"Host": "evil.example.com", "Content-Type": "application/json"},
		Body:   mustJSON(map[string]any{"key": "private/x"})}, 403, "KeyNotAllowed")

	// Expiry: huge, zero, negative, non-numeric, float: refused, never cut.
	for _, e := range []any{"3601", 3601, 86400 * 365, "99999999999999999999", 1e30, 0, "0", -1, "-60", "-99999999999999999999",
		"abc", " ", 1.5, "300.0", "3e2", 3e2 + 0.5, "0x12c", "300s", true} {
		add(fmt.Sprintf("expired %#v", e), nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "expired": e}), 400, "InvalidExpired")
	}
	add("expired number overflow", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(),
		Body: []byte(`{"key":"public/a.pdf","expired":1e999}`)}, 400, "InvalidExpired")
	add("expires alias huge", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "expires": 7200}), 400, "InvalidExpired")
	add("expired object", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "expired": map[string]any{"a": 1}}), 400, "InvalidField")
	add("query expired huge", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"}, "expired": {"1e9"}}), 400, "InvalidExpired")
	add("query expired negative", nil, Get("/presign", map[string][]string{"key": {"public/a.pdf"}, "expired": {"-5"}}), 400, "InvalidExpired")
	add("batch entry expiry huge", nil, PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"key": "public/a.pdf"}, map[string]any{"key": "public/b.pdf", "expired": 999999}}}), 200, "").
		Expect.Entries = []string{"", "InvalidExpired"}

	// Methods outside the policy, as signed methods and as HTTP methods.
	for _, m := range []string{"DELETE", "delete", "Delete", "OPTIONS"} {
		add("signed method "+m, AnonWrites, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": m}), 403, "MethodNotAllowed")
	}
	for _, m := range []string{"PATCH", "patch", "TRACE", "CONNECT", "GET\r\n", "GET ", "PROPFIND"} {
		add(fmt.Sprintf("signed method %q", m), AnonWrites, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": m}), 400, "InvalidMethod")
	}
	add("signed method PUT on download", AnonWrites, PostJSON("/download", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT"}), 400, "InvalidMethod")
	for _, m := range []string{"DELETE", "PATCH", "PUT", "patch", "delete", "TRACE"} {
		add("HTTP "+m+" /presign", nil, Request{Method: m, Path: "/presign", Header: jsonCT(), Body: mustJSON(map[string]any{"key": "public/a.pdf"})}, 405, "HTTPMethodNotAllowed")
	}
	add("HTTP GET /auth", nil, Get("/auth", map[string][]string{"key": {"public/a.pdf"}}), 405, "HTTPMethodNotAllowed")
	add("HTTP get /batch", nil, Request{Method: "get", Path: "/batch"}, 405, "HTTPMethodNotAllowed")
	add("HTTP POST /healthz", nil, Request{Method: "POST", Path: "/healthz"}, 405, "HTTPMethodNotAllowed")

	// Bodies: over the limit, invalid JSON, invalid base64.
	big := mustJSON(map[string]any{"key": "public/a.pdf", "pad": strings.Repeat("x", MaxBodyBytes)})
	add("body over the limit", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(), Body: big}, 413, "BodyTooLarge")
	add("body one byte over the limit", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(),
		Body: padJSON(MaxBodyBytes + 1)}, 413, "BodyTooLarge")
	add("base64 body over the limit", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(), Body: big, Base64: true}, 413, "BodyTooLarge")
	add("body over the limit on an unknown route", nil, Request{Method: "POST", Path: "/", Header: jsonCT(), Body: big}, 413, "BodyTooLarge")
	for name, body := range map[string]string{
		"truncated":     `{"key":"public/a.pdf"`,
		"trailing data": `{"key":"public/a.pdf"} {"key":"private/x"}`,
		"array":         `[{"key":"public/a.pdf"}]`,
		"string":        `"public/a.pdf"`,
		"single quotes": `{'key':'public/a.pdf'}`,
		"deep nesting":  strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
		"NUL byte":      "{\"key\":\"public/a.pdf\"}\x00",
		"comment":       `{"key":"public/a.pdf" /* x */}`,
		"unquoted name": `{key:"public/a.pdf"}`,
	} {
		add("invalid JSON "+name, nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(), Body: []byte(body)}, 400, "InvalidJSON")
	}
	add("field of the wrong type", nil, PostJSON("/presign", map[string]any{"key": []any{"public/a.pdf"}}), 400, "InvalidField")
	add("headers of the wrong type", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "headers": "x-cos-acl: public-read"}), 400, "InvalidField")
	badB64 := add("invalid base64 body", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(),
		RawBase64Body: "%%%not base64%%%"}, 400, "InvalidEvent")
	badB64.WithoutBase64 = &Expect{Status: 400, Code: "InvalidJSON"}
	badB64url := add("base64 body in the URL alphabet", nil, Request{Method: "POST", Path: "/presign", Header: jsonCT(),
		RawBase64Body: base64.URLEncoding.EncodeToString([]byte(`{"key":"public/a?>.pdf","x":"~~~~"}`))}, 400, "InvalidEvent")
	badB64url.WithoutBase64 = &Expect{Status: 400, Code: "InvalidJSON"}
	add("batch over the maximum", nil, PostJSON("/batch", map[string]any{"requests": repeat(map[string]any{"key": "public/a.pdf"}, MaxBatch+1)}), 400, "BatchTooLarge")
	add("batch of hostile entries", nil, PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"key": "uploads/user1/../private/x"},
		map[string]any{"key": "uploads/user10/x"},
		map[string]any{"key": "public/a.pdf", "method": "PUT"},
		map[string]any{"action": "batch", "requests": []any{map[string]any{"key": "private/x"}}},
		map[string]any{"key": "public/a.pdf", "headers": map[string]any{"x-cos-acl": "public-read"}},
	}}), 200, "").Expect.Entries = []string{"InvalidKey", "KeyNotAllowed", "AnonymousWriteRefused", "UnknownAction", "HeaderNotAllowed"}
	add("batch entry not an object", nil, PostJSON("/batch", map[string]any{"requests": []any{"public/a.pdf", map[string]any{"key": "public/a.pdf"}}}), 200, "").
		Expect.Entries = []string{"InvalidJSON", ""}
	add("action mismatch", nil, PostJSON("/download", map[string]any{"action": "auth", "key": "public/a.pdf"}), 400, "ActionMismatch")
	add("unknown action", nil, PostJSON("/", map[string]any{"action": "delete", "key": "public/a.pdf"}), 404, "UnknownRoute")
	add("unknown route", nil, PostJSON("/admin", map[string]any{"key": "public/a.pdf"}), 404, "UnknownRoute")
	add("route after dotdot", nil, PostJSON("/presign/..", map[string]any{"key": "public/a.pdf"}), 404, "UnknownRoute")

	// Caller authentication (AUTH_MODE=jwt).
	jwtPresign := func(key string, h map[string]string) Request {
		return withHeader(PostJSON("/presign", map[string]any{"key": key, "method": "PUT"}), h)
	}
	add("jwt missing token", JWT, jwtPresign("users/user1/a.jpg", nil), 401, "Unauthorized")
	add("jwt missing token read", JWT, presign("public/a.pdf"), 401, "Unauthorized")
	add("jwt expired", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.Expired())), 401, "Unauthorized")
	add("jwt not yet valid", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.NotYetValid())), 401, "Unauthorized")
	add("jwt wrongly signed", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.SignedWith("another-secret-0123456789abcdef-0123456789"))), 401, "Unauthorized")
	add("jwt alg none", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.AlgNone())), 401, "Unauthorized")
	add("jwt alg none in X-Auth-Token", JWT, jwtPresign("users/user1/a.jpg", map[string]string{"X-Auth-Token": mintToken(t, "user1", authtest.AlgNone())}), 401, "Unauthorized")
	add("jwt wrong audience", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.WithAudience("another-service"))), 401, "Unauthorized")
	add("jwt wrong issuer", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.WithIssuer("https://evil.example/"))), 401, "Unauthorized")
	add("jwt without expiry", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "user1", authtest.WithoutExpiry())), 401, "Unauthorized")
	add("jwt without subject", JWT, jwtPresign("users/user1/a.jpg", bearer(t, "")), 401, "Unauthorized")
	add("jwt signature stripped", JWT, jwtPresign("users/user1/a.jpg", bearerToken(user1[:strings.LastIndexByte(user1, '.')+1])), 401, "Unauthorized")
	add("jwt garbage", JWT, jwtPresign("users/user1/a.jpg", bearerToken("not.a.token")), 401, "Unauthorized")
	add("jwt basic scheme", JWT, jwtPresign("users/user1/a.jpg", map[string]string{"Authorization": "Basic dXNlcjE6cGFzcw=="}), 401, "Unauthorized")
	add("jwt token with CRLF", JWT, jwtPresign("users/user1/a.jpg", map[string]string{"Authorization": "Bearer " + user1 + "\r\nX-Auth-Token: x"}), 401, "Unauthorized")
	add("jwt token with NUL", JWT, jwtPresign("users/user1/a.jpg", map[string]string{"Authorization": "Bearer " + user1 + "\x00"}), 401, "Unauthorized")
	add("jwt token too large", JWT, jwtPresign("users/user1/a.jpg", bearerToken(strings.Repeat("a", 9000))), 401, "Unauthorized")
	add("jwt token in the query", JWT, Get("/download", map[string][]string{"key": {"users/user1/a.jpg"}, "access_token": {user1}, "token": {user1}}), 401, "Unauthorized")
	add("jwt token in the body", JWT, PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg", "token": user1, "authorization": "Bearer " + user1}), 401, "Unauthorized")
	add("jwt other user's prefix", JWT, jwtPresign("users/user2/a.jpg", bearerToken(user1)), 403, "KeyNotAllowed")
	add("jwt other user's prefix via X-Auth-Token", JWT, jwtPresign("users/user2/a.jpg", map[string]string{"X-Auth-Token": user1}), 403, "KeyNotAllowed")
	add("jwt prefix confusion user1 vs user10", JWT, jwtPresign("users/user10/a.jpg", bearerToken(user1)), 403, "KeyNotAllowed")
	add("jwt dotdot into other user", JWT, jwtPresign("users/user1/../user2/a.jpg", bearerToken(user1)), 400, "InvalidKey")
	add("jwt encoded dotdot into other user", JWT, jwtPresign("users/user1/%2e%2e/user2/a.jpg", bearerToken(user1)), 400, "InvalidKey")
	add("jwt other user's prefix in batch", JWT, withHeader(PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"key": "users/user1/a.jpg", "method": "PUT"}, map[string]any{"key": "users/user2/a.jpg", "method": "PUT"}}}), bearerToken(user1)), 200, "").
		Expect.Entries = []string{"", "KeyNotAllowed"}
	add("jwt other user's prefix in post-policy", JWT, withHeader(PostJSON("/post-policy", map[string]any{"key": "users/user2/a.jpg"}), bearerToken(user1)), 403, "KeyNotAllowed")
	for _, sub := range []string{"user1/../user2", "..", ".", "a/b", "user1%2f..", "a\\b", "user\n1", "user1/"} {
		add(fmt.Sprintf("jwt identity %q", sub), JWT, jwtPresign("users/user2/a.jpg", bearer(t, sub)), 403, "IdentityNotUsable")
		add(fmt.Sprintf("jwt identity %q server-chosen key", sub), JWTSubOnly, withHeader(PostJSON("/presign", map[string]any{"ext": "jpg"}), bearer(t, sub)), 403, "IdentityNotUsable")
	}
	add("jwt identity with slash reaching its own path", JWT, jwtPresign("users/a/b/x.jpg", bearer(t, "a/b")), 403, "IdentityNotUsable")

	// Gateway mode trusts only what the platform's authorizer verified:
	// nothing a caller sends stands in for it.
	gw := map[string]string{"AUTH_MODE": "gateway", "SIGN_KEY_PREFIXES": "users/{sub}"}
	add("gateway mode without an authorizer", gw, PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg"}), 401, "Unauthorized")
	add("gateway mode with identity headers", gw, withHeader(PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg", "method": "PUT"}),
		map[string]string{"X-Amzn-Oidc-Identity": "user1", "X-Apigateway-Context": `{"authorizer":{"principalId":"user1"}}`,
			"X-Qualifier": "user1", "Authorization": "Bearer " + user1}), 401, "Unauthorized")
	add("gateway mode with an authorizer in the body", gw, PostJSON("/presign", map[string]any{"key": "users/user1/a.jpg",
		"requestContext": map[string]any{"authorizer": map[string]any{"principalId": "user1", "claims": map[string]any{"sub": "user1"}}}}), 401, "Unauthorized")

	// Anonymous writes are refused by default.
	for _, r := range []struct {
		name string
		req  Request
	}{
		{"presign PUT", PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT"})},
		{"presign put", PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "put"})},
		{"presign POST", PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "POST"})},
		{"presign GET form PUT", Get("/presign", map[string][]string{"key": {"uploads/user1/a.jpg"}, "method": {"PUT"}})},
		{"auth PUT", PostJSON("/auth", map[string]any{"Method": "PUT", "Key": "uploads/user1/a.jpg"})},
		{"server-chosen key", PostJSON("/presign", map[string]any{"ext": "jpg"})},
		{"post-policy", PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg"})},
		{"post-policy server-chosen", PostJSON("/post-policy", map[string]any{"ext": "jpg"})},
		{"direct action", PostJSON("/", map[string]any{"action": "presign", "key": "uploads/user1/a.jpg", "method": "PUT"})},
	} {
		add("anonymous write "+r.name, nil, r.req, 403, "AnonymousWriteRefused")
	}

	// Sensitive names stay out, even through wildcards.
	for _, env := range []struct {
		name string
		env  map[string]string
	}{{"default", AnonWrites}, {"wildcards", Wildcards}, {"x-cos-*", XCosWildcard}} {
		for _, h := range []string{"x-cos-acl", "X-COS-ACL", "x-cos-grant-read", "x-cos-grant-full-control", "X-Cos-Grant-Write-Acp", "x-cos-tagging"} {
			add(fmt.Sprintf("sensitive header %s (%s)", h, env.name), env.env, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
				"headers": map[string]any{h: "public-read"}}), 403, "HeaderNotAllowed")
		}
		for _, p := range []string{"acl", "tagging"} {
			add(fmt.Sprintf("sensitive param %s (%s)", p, env.name), env.env, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
				"params": map[string]any{p: ""}}), 403, "ParamNotAllowed")
		}
		// Another spelling is no name COS reads as the param: refused
		// before any allow-list (issue 22).
		for _, p := range []string{"ACL", "Tagging", "TAGG\u0130NG"} {
			add(fmt.Sprintf("sensitive param %s (%s)", p, env.name), env.env, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
				"params": map[string]any{p: ""}}), 400, "InvalidParam")
		}
	}
	add("sensitive param acl in the SDK Query", AnonWrites, PostJSON("/auth", map[string]any{"Method": "PUT", "Key": "uploads/user1/a.jpg",
		"Query": map[string]any{"acl": ""}}), 403, "ParamNotAllowed")
	add("sensitive param acl in a GET form", nil, Get("/presign", map[string][]string{"key": {"public/a.pdf"}, "params[acl]": {""}}), 403, "ParamNotAllowed")
	add("sensitive header in a GET form", AnonWrites, Get("/presign", map[string][]string{"key": {"uploads/user1/a.jpg"}, "method": {"PUT"},
		"headers[x-cos-acl]": {"public-read"}}), 403, "HeaderNotAllowed")
	add("bucket key / with wildcards", Wildcards, PostJSON("/presign", map[string]any{"key": "/", "method": "GET"}), 403, "KeyNotAllowed")
	add("bucket key / on auth", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Pathname": "/"}), 403, "KeyNotAllowed")

	// signHost=false, unknown buckets, regions.
	for _, v := range []any{false, "false", "0", 0, "FALSE"} {
		add(fmt.Sprintf("signHost %#v", v), nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "signHost": v}), 403, "UnsignedHostRefused")
	}
	add("signHost in a GET form", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"}, "signHost": {"false"}}), 403, "UnsignedHostRefused")
	add("signHost not a boolean", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "signHost": "no"}), 400, "InvalidField")
	add("unknown bucket", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "bucket": "victim-1250000001"}), 403, "BucketNotAllowed")
	add("unknown bucket in the SDK options", nil, PostJSON("/auth", map[string]any{"Method": "GET", "Key": "public/a.pdf", "Bucket": "victim-1250000001"}), 403, "BucketNotAllowed")
	add("bucket with a host suffix", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "bucket": Bucket + ".evil.example"}), 403, "BucketNotAllowed")
	add("bucket with a path", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "bucket": "../" + Bucket}), 403, "BucketNotAllowed")
	add("unknown bucket in a GET form", nil, Get("/download", map[string][]string{"key": {"public/a.pdf"}, "bucket": {"victim-1250000001"}}), 403, "BucketNotAllowed")
	add("unknown bucket in a batch entry", nil, PostJSON("/batch", map[string]any{"requests": []any{
		map[string]any{"key": "public/a.pdf", "bucket": "victim-1250000001"}}}), 200, "").Expect.Entries = []string{"BucketNotAllowed"}
	add("region with a slash", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "region": "ap-guangzhou/evil"}), 400, "InvalidRegion")
	add("region with a host", nil, PostJSON("/presign", map[string]any{"key": "public/a.pdf", "region": "evil.example:443#"}), 400, "InvalidRegion")

	// Upload limits.
	add("upload without content type", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentLength": 10}), 400, "MissingContentType")
	add("upload without content length", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/jpeg"}), 400, "MissingContentLength")
	add("upload of html", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "text/html", "contentLength": 10}), 403, "ContentTypeNotAllowed")
	add("upload of html in the header", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
		"headers": map[string]any{"Content-Type": "text/html", "Content-Length": "10"}}), 403, "ContentTypeNotAllowed")
	add("upload content type and header differ", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/png",
		"contentLength": 10, "headers": map[string]any{"content-type": "text/html"}}), 400, "InvalidField")
	add("upload content type with CRLF", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
		"contentType": "image/png\r\nx-cos-acl: public-read", "contentLength": 10}), 400, "InvalidContentType")
	add("upload too large", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/jpeg", "contentLength": 1048577}), 403, "ContentLengthNotAllowed")
	add("upload negative length", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/jpeg", "contentLength": -1}), 400, "InvalidContentLength")
	add("upload float length", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/jpeg", "contentLength": 1.5}), 400, "InvalidContentLength")
	add("upload huge length", UploadLimits, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT", "contentType": "image/jpeg", "contentLength": "99999999999999999999"}), 400, "InvalidContentLength")
	add("post-policy of html", UploadLimits, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg", "contentType": "text/html"}), 403, "ContentTypeNotAllowed")
	add("post-policy too large", UploadLimits, PostJSON("/post-policy", map[string]any{"key": "uploads/user1/a.jpg", "contentLength": 2 << 20}), 403, "ContentLengthNotAllowed")

	// Without credentials every signing route answers 503, never signs.
	for _, r := range []Request{PostJSON("/auth", map[string]any{"Method": "GET", "Key": "public/a.pdf"}), presign("public/a.pdf"),
		Get("/download", map[string][]string{"key": {"public/a.pdf"}}), PostJSON("/post-policy", map[string]any{"key": "public/a.pdf"})} {
		add("no credentials "+r.Method+" "+r.Path, NoCredentials, r, 503, "ServiceNotConfigured")
	}
	// Downloads: processing by family, and the CDN under the same key policy.
	download := func(q map[string][]string) Request { return Get("/download", q) }
	add("processing ignore-error", nil, download(map[string][]string{"key": {"public/a.jpg"}, "process": {"imageMogr2/thumbnail/200x/ignore-error/1"}}), 400, "InvalidProcessing")
	add("processing exif", nil, download(map[string][]string{"key": {"public/a.jpg"}, "process": {"exif"}}), 403, "ProcessingNotAllowed")
	add("processing originImage with * params", Wildcards, download(map[string][]string{"key": {"public/a.jpg"}, "params[ci-process]": {"originImage"}}), 403, "ProcessingNotAllowed")
	add("processing on a PUT", AnonWrites, PostJSON("/presign", map[string]any{"key": "uploads/user1/a.jpg", "method": "PUT",
		"params": map[string]any{"imageMogr2/strip": ""}}), 400, "InvalidProcessing")
	add("cdn download outside the prefixes", CDN("A"), download(map[string][]string{"key": {"private/a.jpg"}}), 403, "KeyNotAllowed")
	add("cdn download dot segment", CDN("B"), download(map[string][]string{"key": {"public/../private/a.jpg"}}), 400, "InvalidKey")
	add("cdn download with a param", CDN("D"), download(map[string][]string{"key": {"public/a.jpg"}, "response-content-type": {"text/html"}}), 400, "CDNQueryNotSupported")
	add("cdn download with processing", CDN("A"), download(map[string][]string{"key": {"public/a.jpg"}, "process": {"imageMogr2/thumbnail/200x"}}), 400, "CDNQueryNotSupported")
	add("cdn download without its key", CDNNoKey, download(map[string][]string{"key": {"public/a.jpg"}}), 503, "ServiceNotConfigured")
	add("healthz cdn without its key", CDNNoKey, Get("/healthz", nil), 503, "ServiceNotConfigured")
	cs = append(cs, stsCases(t)...)
	return append(cs, scopeCases(t)...)
}

// caseTable is a table of cases being built.
type caseTable []Case

// add appends a case that must be answered with status and code ("" for a
// success) and returns it, for the fields add does not set.
func (ct *caseTable) add(name string, env map[string]string, r Request, status int, code string) *Case {
	*ct = append(*ct, Case{Name: name, Env: env, Request: r, Expect: Expect{Status: status, Code: code}})
	return &(*ct)[len(*ct)-1]
}

// bearer is an Authorization header with a token for sub (mintToken).
func bearer(t testing.TB, sub string, opts ...authtest.Option) map[string]string {
	t.Helper()
	return bearerToken(mintToken(t, sub, opts...))
}

// bearerToken is an Authorization header carrying token as it is.
func bearerToken(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// mintToken is a caller token for sub, valid at Now for ten minutes unless
// opts say otherwise.
func mintToken(t testing.TB, sub string, opts ...authtest.Option) string {
	t.Helper()
	return authtest.Token(t, JWTSecret, sub, 10*time.Minute, append([]authtest.Option{authtest.MintedAt(Now)}, opts...)...)
}

// PostJSON is a POST with a JSON body.
func PostJSON(path string, body any) Request {
	return Request{Method: "POST", Path: path, Header: jsonCT(), Body: mustJSON(body)}
}

// Get is a GET with query parameters.
func Get(path string, q map[string][]string) Request {
	return Request{Method: "GET", Path: path, Query: q, Header: map[string]string{}}
}

func withHeader(r Request, h map[string]string) Request {
	maps.Copy(r.Header, h)
	return r
}

func jsonCT() map[string]string { return map[string]string{"Content-Type": "application/json"} }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// padJSON is a valid JSON request body of exactly n bytes.
func padJSON(n int) []byte {
	head := `{"key":"public/a.pdf","pad":"`
	return []byte(head + strings.Repeat("x", n-len(head)-2) + `"}`)
}

func repeat(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
