package signer_test

import (
	"context"
	"crypto/sha1"
	"net/http"
	"net/url"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/cos-signer/cos-signer/signer"
)

// Benchmarks run each case through cos-go-sdk-v5 (the anchor) and then
// through this package, as sub-benchmarks impl=cos-go-sdk-v5 and
// impl=signer side by side, so that both see the same machine and
// `benchstat -col /impl` sets them next to each other. The reference case is
// GET exampleobject.txt in examplebucket-1250000000, ap-guangzhou, host
// signed, no other headers; the heavy case a PUT with a CJK key, six
// headers and three params.

const (
	benchID     = "AKIDEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE"
	benchKey    = "EXAMPLEsecretKEYexampleSECRETkey12"
	benchBucket = "examplebucket-1250000000"
	benchRegion = "ap-guangzhou"
)

var benchWindow = signer.Window{Start: 1700000000, End: 1700003600}

func benchSigner(b *testing.B) *signer.Signer {
	s, err := signer.New(signer.Credentials{SecretID: benchID, SecretKey: benchKey}, signer.Endpoint{Region: benchRegion})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func referenceRequest() *signer.Request {
	return &signer.Request{Method: "GET", Bucket: benchBucket, Key: "exampleobject.txt", Window: benchWindow}
}

func heavyRequest() *signer.Request {
	return &signer.Request{
		Method: "PUT", Bucket: benchBucket, Key: "上传/2024/报告 (final)+v2!.pdf",
		Headers: map[string]string{
			"Content-Type":        "application/pdf",
			"Content-MD5":         "Q2hlY2sgSW50ZWdyaXR5IQ==",
			"Content-Length":      "1048576",
			"x-cos-meta-标签":       "重要",
			"x-cos-storage-class": "STANDARD_IA",
			"Cache-Control":       "no-cache",
		},
		Params: map[string]string{"partNumber": "3", "uploadId": "1717171717a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b8", "versionId": "v2"},
		Window: benchWindow,
	}
}

// benchPairs runs, for the reference and the heavy case, the anchor and
// then ours as sub-benchmarks case=<name>/impl=<implementation>.
func benchPairs(b *testing.B, anchor, ours func(b *testing.B, r *signer.Request)) {
	for _, c := range []struct {
		name string
		req  *signer.Request
	}{{"reference", referenceRequest()}, {"heavy", heavyRequest()}} {
		b.Run("case="+c.name+"/impl=cos-go-sdk-v5", func(b *testing.B) { anchor(b, c.req) })
		b.Run("case="+c.name+"/impl=signer", func(b *testing.B) { ours(b, c.req) })
	}
}

func BenchmarkAuthorization(b *testing.B) {
	benchPairs(b, func(b *testing.B, r *signer.Request) {
		client := anchorClient(b)
		ctx := context.Background()
		opt := anchorOptions(r)
		b.ReportAllocs()
		for b.Loop() {
			if a := client.Object.GetSignature(ctx, r.Method, r.Key, benchID, benchKey, time.Hour, opt); a == "" {
				b.Fatal("no signature")
			}
		}
	}, func(b *testing.B, r *signer.Request) {
		s := benchSigner(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Authorization(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("case=reference/impl=sha1-floor", floorSHA1)
}

func BenchmarkPresignURL(b *testing.B) {
	benchPairs(b, func(b *testing.B, r *signer.Request) {
		client := anchorClient(b)
		ctx := context.Background()
		opt := anchorOptions(r)
		opt.AuthTime = &cos.AuthTime{
			SignStartTime: time.Unix(benchWindow.Start, 0), SignEndTime: time.Unix(benchWindow.End, 0),
			KeyStartTime: time.Unix(benchWindow.Start, 0), KeyEndTime: time.Unix(benchWindow.End, 0),
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.Object.GetPresignedURL(ctx, r.Method, r.Key, benchID, benchKey, time.Hour, opt); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B, r *signer.Request) {
		s := benchSigner(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.PresignURL(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPostPolicy has no anchor: cos-go-sdk-v5 has no POST policy
// helper.
func BenchmarkPostPolicy(b *testing.B) {
	b.Run("impl=signer", func(b *testing.B) {
		s := benchSigner(b)
		r := &signer.PostPolicyRequest{Bucket: benchBucket, KeyPrefix: "uploads/user42/", ContentTypePrefix: "image/", MaxContentLength: 10 << 20, SuccessActionStatus: 200, Window: benchWindow}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.PostPolicy(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func anchorClient(b *testing.B) *cos.Client {
	u, err := cos.NewBucketURL(benchBucket, benchRegion, true)
	if err != nil {
		b.Fatal(err)
	}
	return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{})
}

func anchorOptions(r *signer.Request) *cos.PresignedURLOptions {
	opt := &cos.PresignedURLOptions{}
	if len(r.Params) > 0 {
		q := url.Values{}
		for k, v := range r.Params {
			q.Set(k, v)
		}
		opt.Query = &q
	}
	if len(r.Headers) > 0 {
		h := http.Header{}
		for k, v := range r.Headers {
			h.Set(k, v)
		}
		opt.Header = &h
	}
	return opt
}

// floorSHA1 is the floor under Authorization's reference case: the hashing
// one signature needs and nothing else, done with crypto/sha1 (the
// HttpString's SHA-1, then HMAC-SHA1 for the sign key and the signature over
// messages of the same lengths), with no encoding, sorting or string building.
func floorSHA1(b *testing.B) {
	httpString := []byte("get\n/exampleobject.txt\n\nhost=examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\n")
	keyTime := []byte("1700000000;1700003600")
	var buf [256]byte
	var sink [20]byte
	b.ReportAllocs()
	for b.Loop() {
		hs := sha1.Sum(httpString)
		// HMAC(secret, keyTime): ipad block + message, then opad block + inner.
		inner := sha1.Sum(append(buf[:64], keyTime...))
		signKey := sha1.Sum(append(buf[:64], inner[:]...))
		// HMAC(signKey hex, StringToSign of 68 bytes).
		sts := append(append(buf[:64], "sha1\n1700000000;1700003600\n"...), hs[:]...)
		sts = append(sts, hs[:]...)
		inner = sha1.Sum(sts[:64+68])
		sink = sha1.Sum(append(buf[:64], inner[:]...))
		_ = signKey
	}
	_ = sink
}
