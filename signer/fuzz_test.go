package signer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
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
