package signer

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// FuzzDifferentialCosGoSDK signs random keys, headers and params with this
// package and with cos-go-sdk-v5 (GetPresignedURL with a pinned AuthTime), in
// the domain where the two SDKs agree (spec §8): keys without a leading '/',
// ASCII header names from the common filter set or x-cos-meta-*, no Host
// header, no names differing only in case, no CORS preflight headers. The
// Authorizations must be identical.
func FuzzDifferentialCosGoSDK(f *testing.F) {
	f.Add("exampleobject.txt", "", "", "", "", "", uint8(0), true, uint32(700000000), uint16(3600))
	f.Add("上传/2024/报告 (final)+v2!.pdf", "标签", "重要", "application/pdf", "partNumber", "3", uint8(2), true, uint32(725000000), uint16(1800))
	f.Add("a/./b/../c d%2F#?&=.txt", "Color", " lead and trail  ", "text/plain; charset=utf-8", "response-content-disposition", "attachment; filename=\"报告.pdf\"", uint8(1), false, uint32(1), uint16(0))
	f.Add("~backup/~tmp~.bak", "tsv", "col1\tcol2", "", "imageMogr2/thumbnail/!50p", "", uint8(4), true, uint32(999999400), uint16(900))
	f.Fuzz(func(t *testing.T, key, metaName, metaValue, contentType, pName, pValue string, methodIdx uint8, signHost bool, start uint32, dur uint16) {
		if key == "" || key[0] == '/' || !utf8.ValidString(key) {
			return
		}
		headers := map[string]string{}
		if metaName != "" && isToken(metaName) {
			headers["x-cos-meta-"+metaName] = metaValue
		}
		if contentType != "" {
			headers["Content-Type"] = contentType
		}
		params := map[string]string{}
		if pName != "" {
			params[pName] = pValue
		}
		req := &Request{
			Method: methods[int(methodIdx)%5].upper, Bucket: "examplebucket-1250000000", Key: key,
			Headers: headers, Params: params, UnsignedHost: !signHost,
			Window: Window{Start: 1_000_000_000 + int64(start), End: 1_000_000_000 + int64(start) + 1 + int64(dur)},
		}
		s, err := New(Credentials{SecretID: "AKIDfuzz", SecretKey: "fuzzSecretKey"}, Endpoint{Region: "ap-guangzhou"})
		if err != nil {
			t.Fatal(err)
		}
		ours, err := s.Authorization(req)
		if err != nil {
			return // refused by design (control characters, invalid UTF-8, reserved names…)
		}

		u, _ := cos.NewBucketURL(req.Bucket, "ap-guangzhou", true)
		client := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{})
		opt := &cos.PresignedURLOptions{AuthTime: &cos.AuthTime{
			SignStartTime: time.Unix(req.Window.Start, 0), SignEndTime: time.Unix(req.Window.End, 0),
			KeyStartTime: time.Unix(req.Window.Start, 0), KeyEndTime: time.Unix(req.Window.End, 0),
		}}
		if len(params) > 0 {
			q := url.Values{}
			for k, v := range params {
				q.Set(k, v)
			}
			opt.Query = &q
		}
		if len(headers) > 0 {
			h := http.Header{}
			for k, v := range headers {
				h.Set(k, v)
			}
			opt.Header = &h
		}
		goURL, err := client.Object.GetPresignedURL(context.Background(), req.Method, key, "AKIDfuzz", "fuzzSecretKey", time.Hour, opt, signHost)
		if err != nil {
			t.Skipf("cos-go-sdk-v5 refused the input: %v", err)
		}
		q := goURL.Query()
		var b strings.Builder
		for i, k := range authKeys {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k + "=" + q.Get(k))
		}
		if got := b.String(); got != ours.Authorization {
			t.Fatalf("signatures differ for %+v\n ours: %s\n go:   %s", req, ours.Authorization, got)
		}
	})
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}
