package signer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzSign feeds arbitrary input to every signing entry point: it must
// never panic, and whatever it signs must be self-consistent.
func FuzzSign(f *testing.F) {
	f.Add("GET", "examplebucket-1250000000", "ap-guangzhou", "exampleobject.txt", "Content-Type", "text/plain", "versionId", "v1", false, int64(1700000000), int64(1700000300), "")
	f.Add("put", "Photos-1300000001", "cosgz", "/上传/报告 (1).pdf", "x-cos-meta-标签", "重要", "partNumber", "1", true, int64(0), int64(1), "tok&en=a+b/c%2F")
	f.Add("DELETE", "b_1", "ap_x", "", "Host", "evil", "q-signature", "x", false, int64(5), int64(5), "")
	f.Add("OPTIONS", "a-1", "cn-north", "a\x00b\r\n", "x-cos-acl", "a\r\nb", "", "", false, int64(-1), int64(1<<62), "\x7f")
	f.Fuzz(func(t *testing.T, method, bucket, region, key, hName, hValue, pName, pValue string, unsignedHost bool, start, end int64, token string) {
		s, err := New(Credentials{SecretID: "AKIDfuzz", SecretKey: "k", SessionToken: token}, Endpoint{Region: region})
		if err != nil {
			return
		}
		r := &Request{Method: method, Bucket: bucket, Key: key, UnsignedHost: unsignedHost,
			Headers: map[string]string{hName: hValue}, Params: map[string]string{pName: pValue},
			Window: Window{Start: start, End: end}}
		auth, authErr := s.Authorization(r)
		pre, preErr := s.PresignURL(r)
		if (authErr == nil) != (preErr == nil) {
			t.Fatalf("Authorization error %v but PresignURL error %v", authErr, preErr)
		}
		if authErr == nil && auth.Authorization == "" {
			t.Fatal("empty Authorization without an error")
		}
		if authErr == nil && token != "" {
			// The session token is not signed into an Authorization unless
			// the request asks for it: the same as with permanent keys.
			plain, err := New(Credentials{SecretID: "AKIDfuzz", SecretKey: "k"}, Endpoint{Region: region})
			if err != nil {
				t.Fatal(err)
			}
			if want, err := plain.Authorization(r); err != nil || want.Authorization != auth.Authorization {
				t.Fatalf("with a session token the Authorization is %s, without %s (%v)", auth.Authorization, want.Authorization, err)
			}
		}
		if preErr == nil {
			u, err := url.Parse(pre.URL)
			if err != nil {
				t.Fatalf("presigned URL does not parse: %v: %q", err, pre.URL)
			}
			if u.Query().Get("q-signature") == "" {
				t.Fatalf("presigned URL carries no signature: %q", pre.URL)
			}
			if token == "" && authErr == nil {
				// Without a token, the URL carries the same signature as the header.
				if got := u.Query().Get("q-signature"); got != auth.Authorization[len(auth.Authorization)-40:] {
					t.Fatalf("URL signature %s differs from the header signature %s", got, auth.Authorization)
				}
			}
		}
	})
}

// FuzzPostPolicy: arbitrary conditions never panic, and the signed policy is
// valid JSON whose base64 is what the form carries.
func FuzzPostPolicy(f *testing.F) {
	f.Add("examplebucket-1250000000", "uploads/a.png", "", "image/png", "", int64(0), int64(10<<20), 201, int64(1700000000), int64(1700000900))
	f.Add("examplebucket-1250000000", "", "用户/\"引号\"\\/", "", "image/", int64(1), int64(5), 0, int64(1), int64(2))
	f.Add("b_1", "/", "x", "a\nb", "c", int64(-1), int64(0), 302, int64(9), int64(3))
	f.Fuzz(func(t *testing.T, bucket, key, prefix, ct, ctPrefix string, min, max int64, status int, start, end int64) {
		s, err := New(Credentials{SecretID: "AKIDfuzz", SecretKey: "k", SessionToken: "tok"}, Endpoint{Region: "ap-guangzhou"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.PostPolicy(&PostPolicyRequest{Bucket: bucket, Key: key, KeyPrefix: prefix, ContentType: ct, ContentTypePrefix: ctPrefix,
			MinContentLength: min, MaxContentLength: max, SuccessActionStatus: status, Window: Window{Start: start, End: end}})
		if err != nil {
			return
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(p.Policy), &doc); err != nil {
			t.Fatalf("policy is not JSON: %v: %s", err, p.Policy)
		}
		raw, err := base64.StdEncoding.DecodeString(p.Fields["policy"])
		if err != nil || string(raw) != p.Policy {
			t.Fatalf("form policy field is not the signed text")
		}
		fields, err := s.SignPolicy(p.Policy, p.Window)
		if err != nil || fields["q-signature"] != p.Fields["q-signature"] {
			t.Fatalf("SignPolicy disagrees with PostPolicy: %v", err)
		}
	})
}

// FuzzEncoders holds the hand-written percent-encoders to net/url: E() is
// url.QueryEscape with a space as %20, lower(E()) its ASCII lower case, the
// query form url.QueryEscape itself, and a URL path is E() of the key (one
// leading '/' dropped) with '/' kept except after '.', and reads back
// through url.Parse as the key. (A key's last segment may still be "." or
// "..": the key policy refuses those.)
func FuzzEncoders(f *testing.F) {
	for _, s := range []string{"", "a", "a b+c", "用户/文件 (1)+v2!.pdf", "./../a/./b/.", "..", "/a/b", "//x", "%2F%zz",
		"~-_.!*'()", "\x00\x1f\x7f\x80\xff", "Ab/Cd%Ef", "x-cos-meta-标签", "q=1&r=2;s", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
		if got := string(appendEscaped(nil, s)); got != e {
			t.Fatalf("E(%q) = %q, net/url gives %q", s, got, e)
		}
		if got, want := string(appendEscapedLower(nil, s)), strings.ToLower(e); got != want {
			t.Fatalf("lower(E(%q)) = %q, want %q", s, got, want)
		}
		if got, want := string(appendQueryEscaped(nil, s)), url.QueryEscape(s); got != want {
			t.Fatalf("query form of %q = %q, net/url gives %q", s, got, want)
		}

		key := strings.TrimPrefix(s, "/")
		ek := strings.ReplaceAll(url.QueryEscape(key), "+", "%20")
		path := string(appendURLPath(nil, s))
		var want strings.Builder
		want.WriteByte('/')
		for i := 0; i < len(ek); i++ {
			if strings.HasPrefix(ek[i:], "%2F") && (i == 0 || ek[i-1] != '.') {
				want.WriteByte('/')
				i += 2
				continue
			}
			want.WriteByte(ek[i])
		}
		if path != want.String() {
			t.Fatalf("URL path of %q = %q, want %q", s, path, want.String())
		}
		u, err := url.Parse("https://h" + path)
		if err != nil || u.Path != "/"+key {
			t.Fatalf("URL path %q of %q reads back as %q (%v)", path, s, u, err)
		}
		if strings.Contains(path, "./") {
			t.Fatalf("URL path %q of %q has a . or .. segment an HTTP stack may collapse", path, s)
		}
	})
}
