package service

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

func fuzzService(t testing.TB) *Service {
	env := baseEnv()
	env["COS_SESSION_TOKEN"] = testToken
	env["SIGN_KEY_PREFIXES"] = "uploads/{sub},public/"
	env["SIGN_ALLOW_ANONYMOUS_WRITES"] = "true"
	env["SIGN_ALLOWED_CONTENT_TYPES"] = "image/*"
	env["SIGN_MAX_CONTENT_LENGTH"] = "1000"
	env["CORS_ALLOWED_ORIGINS"] = "https://app.example.com"
	env["SIGN_CI_PROCESSING"] = "*,doc-html"
	for k, v := range map[string]string{"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": "A", "CDN_AUTH_KEY": "fuzzCdnKey123", "CDN_AUTH_TTL": "3600", "CDN_ALLOW_QUERY": "true"} {
		env[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(cfg, Options{Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

var fuzzSeeds = []string{
	`{"key":"public/a.txt"}`,
	`{"action":"presign","key":"public/a.txt","method":"PUT","contentType":"image/png","contentLength":10}`,
	`{"action":"auth","Method":"put","Key":"public/a.png","Pathname":"/public/a.png","Query":{"partNumber":1,"uploadId":"u"},"Headers":{"Host":"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com","x-cos-meta-a":"b"}}`,
	`{"action":"post-policy","ext":"jpg","successActionStatus":201}`,
	`{"action":"batch","method":"PUT","key":"public/v.mp4","requests":[{"params":{"partNumber":1,"uploadId":"U"}},{"key":"../x"},7]}`,
	`{"action":"download","key":"public/%2e%2e/x","redirect":1,"expired":"99999"}`,
	`{"key":"public/a","headers":{"Content-Type":"a","content-type":"b"},"signHost":false}`,
	`{"Bucket":"examplebucket-1250000000","Region":"ap-guangzhou","Method":"get","Key":"public/a","Pathname":"/public/a","Scope":[{"action":"name/cos:GetObject"}],"SystemClockOffset":0,"ForceSignHost":true}`,
	`{"key":"public/a","expire":60,"Expires":"60","expired":61}`,
	`{"key":`,
	`[]`,
	`{"action":"download","key":"public/a.jpg","process":"imageMogr2/thumbnail/200x|watermark/2/text/eA==","via":"cdn"}`,
	`{"action":"presign","key":"public/a.jpg","process":"ci-process=doc-preview&dstType=html&page=1","params":{"imageInfo":""}}`,
	`{"action":"download","key":"public/猫 1.jpg","via":"cos","params":{"ci-process":"snapshot","time":"1.5","response-content-type":"image/png"}}`,
}

// FuzzServe: decoding any request never panics and always answers with a
// JSON error or a well-formed answer.
func FuzzServe(f *testing.F) {
	svc := fuzzService(f)
	for _, s := range fuzzSeeds {
		f.Add("POST", "/presign", s)
		f.Add("POST", "/", s)
	}
	f.Add("GET", "/release/download", "")
	f.Add("OPTIONS", "/auth", "")
	f.Add("POST", "/batch", `{"requests":[{"action":"post-policy","key":"public/x.png"}]}`)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		resp := svc.Serve(context.Background(), &Request{Method: method, Path: path, Body: []byte(body),
			Query: map[string][]string{"key": {body}, "expired": {path}}, Header: map[string]string{"origin": "https://app.example.com"}})
		if resp == nil || resp.Status < 200 || resp.Status > 599 {
			t.Fatalf("bad response %+v", resp)
		}
		if len(resp.Body) > 0 && !json.Valid(resp.Body) {
			t.Fatalf("answer is not JSON: %q", resp.Body)
		}
		if resp.Status == 500 {
			t.Fatalf("internal error for %q %q %q: %s", method, path, body, resp.Body)
		}
	})
}

// FuzzInvoke: a direct invocation answers JSON or fails with an
// *InvokeError, never a panic.
func FuzzInvoke(f *testing.F) {
	svc := fuzzService(f)
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		out, err := svc.Invoke(context.Background(), event)
		if err != nil {
			var ie *InvokeError
			if !errors.As(err, &ie) || ie.Status < 400 || ie.Code == "" || ie.Status == 500 {
				t.Fatalf("bad failure %v for %q", err, event)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("answer is not JSON: %q", out)
		}
	})
}
