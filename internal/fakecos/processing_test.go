package fakecos

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// TestProcessing: a GET carrying processing is answered with the
// processing it asked for, and whether the signature covered it, so a test
// can tell that a signed thumbnail reached COS as signed.
func TestProcessing(t *testing.T) {
	fake := New(permanent)
	defer fake.Close()
	fake.PutObject(host, "a.jpg", []byte("jpeg"), "image/jpeg")
	ctx := context.Background()
	cl := client(t, fake, permanent)
	proxy, _ := url.Parse(fake.URL)
	get := func(u string) (int, string, string) {
		resp, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}).Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get(ProcessingHeader), resp.Header.Get(ProcessingSignedHeader)
	}

	// cos-go-sdk-v5 signs a Query's processing like any param.
	thumb, err := cl.Object.GetPresignedURL(ctx, http.MethodGet, "a.jpg", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Query: &url.Values{"imageMogr2/thumbnail/200x": {""}}})
	if err != nil {
		t.Fatal(err)
	}
	if st, p, signed := get(thumb.String()); st != 200 || p != "imageMogr2/thumbnail/200x" || signed != "true" {
		t.Errorf("signed thumbnail: %d %q %q", st, p, signed)
	}
	snap, _ := cl.Object.GetPresignedURL(ctx, http.MethodGet, "a.jpg", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Query: &url.Values{"ci-process": {"snapshot"}, "time": {"1"}}})
	if st, p, signed := get(snap.String()); st != 200 || p != "ci-process=snapshot" || signed != "true" {
		t.Errorf("signed snapshot: %d %q %q", st, p, signed)
	}

	// The CI documents' other form: processing appended unsigned after the
	// signature of a plain GET. COS serves it; the fake says it was not signed.
	plain, _ := cl.Object.GetPresignedURL(ctx, http.MethodGet, "a.jpg", permanent.SecretID, permanent.SecretKey, time.Minute, nil)
	if st, p, signed := get(plain.String() + "&imageInfo"); st != 200 || p != "imageInfo" || signed != "false" {
		t.Errorf("appended imageInfo: %d %q %q", st, p, signed)
	}
	if st, p, _ := get(plain.String()); st != 200 || p != "" {
		t.Errorf("plain GET: %d %q", st, p)
	}
	log := fake.Log()
	if e := log[0]; e.Processing != "imageMogr2/thumbnail/200x" || !e.ProcessingSigned {
		t.Errorf("log entry = %+v", e)
	}
}
