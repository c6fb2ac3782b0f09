package eventtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/cos-signer/cos-signer/signer"
)

// The answers' signatures are recomputed with cos-go-sdk-v5 (the post
// policy's from the POST Object API's definition), never with this
// project's signer: a checker built on the code under test passes its bugs.

// sdkEnv is what events/env.json says the service signs with.
type sdkEnv struct {
	id, key, token string
	bucket, region string
	secure         bool
}

var envSDK struct {
	once sync.Once
	e    sdkEnv
	err  error
}

func sdk(t testing.TB) sdkEnv {
	t.Helper()
	env := Env(t)
	envSDK.once.Do(func() {
		get := func(a, b string) string {
			if v := env[a]; v != "" {
				return v
			}
			return env[b]
		}
		envSDK.e = sdkEnv{id: get("COS_SECRET_ID", "TENCENTCLOUD_SECRETID"), key: get("COS_SECRET_KEY", "TENCENTCLOUD_SECRETKEY"),
			token: get("COS_SESSION_TOKEN", "TENCENTCLOUD_SESSIONTOKEN"), bucket: env["COS_BUCKET"], region: env["COS_REGION"],
			secure: env["COS_SCHEME"] != "http"}
		if env["COS_ENDPOINT"] != "" || env["COS_DOMAIN"] != "" {
			envSDK.err = fmt.Errorf("COS_ENDPOINT and COS_DOMAIN are not checked: answers are recomputed for the default domain")
		}
	})
	if envSDK.err != nil {
		t.Fatalf("eventtest: events/env.json: %v", envSDK.err)
	}
	return envSDK.e
}

const tokenName = "x-cos-security-token"

// presign is cos-go-sdk-v5's presigned URL for sign in window w, with method
// in place of sign's when set; withToken adds temporary credentials' token
// as a signed parameter, as the service's presigned URLs carry it. Its q-*
// parameters are the members of the Authorization for the same request.
func (e sdkEnv) presign(sign *Sign, w signer.Window, method string, withToken bool) (*url.URL, error) {
	bucket, region := sign.Bucket, sign.Region
	if bucket == "" {
		bucket = e.bucket
	}
	if region == "" {
		region = e.region
	}
	if method == "" {
		method = sign.Method
	}
	bu, err := cos.NewBucketURL(bucket, region, e.secure)
	if err != nil {
		return nil, err
	}
	opt := &cos.PresignedURLOptions{AuthTime: &cos.AuthTime{
		SignStartTime: time.Unix(w.Start, 0), SignEndTime: time.Unix(w.End, 0),
		KeyStartTime: time.Unix(w.Start, 0), KeyEndTime: time.Unix(w.End, 0)}}
	q := url.Values{}
	for k, v := range sign.Params {
		q.Set(k, v)
	}
	if withToken && e.token != "" && !q.Has(tokenName) {
		q.Set(tokenName, e.token)
	}
	if len(q) > 0 {
		opt.Query = &q
	}
	h := http.Header{}
	for k, v := range sign.Headers {
		h.Set(k, v)
	}
	opt.Header = &h
	// The service reads one leading '/' as a separator ("/a.txt" is
	// "a.txt"); cos-go-sdk-v5 would sign it as part of the key.
	key := strings.TrimPrefix(sign.Key, "/")
	signHost := sign.SignHost == nil || *sign.SignHost
	client := cos.NewClient(&cos.BaseURL{BucketURL: bu}, nil)
	return client.Object.GetPresignedURL(context.Background(), strings.ToUpper(method), key, e.id, e.key, time.Hour, opt, signHost)
}

// authKeys are an Authorization's members, in its order.
var authKeys = []string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}

// authorization is the Authorization header value a presigned URL's q-*
// parameters spell.
func authorization(q url.Values) string {
	parts := make([]string, len(authKeys))
	for i, k := range authKeys {
		parts[i] = k + "=" + q.Get(k)
	}
	return strings.Join(parts, "&")
}

// postPolicyFields are the form fields that sign policy in window w, as
// the POST Object API defines them: SignKey = HMAC-SHA1(SecretKey, KeyTime),
// Signature = HMAC-SHA1(SignKey, SHA1(policy)), all in lower-case hex.
func (e sdkEnv) postPolicyFields(policy string, w signer.Window) map[string]string {
	kt := strconv.FormatInt(w.Start, 10) + ";" + strconv.FormatInt(w.End, 10)
	sum := sha1.Sum([]byte(policy))
	f := map[string]string{
		"policy":           base64.StdEncoding.EncodeToString([]byte(policy)),
		"q-sign-algorithm": "sha1",
		"q-ak":             e.id,
		"q-key-time":       kt,
		"q-signature":      hmacHex(hmacHex(e.key, kt), hex.EncodeToString(sum[:])),
	}
	if e.token != "" {
		f[tokenName] = e.token
	}
	return f
}

func hmacHex(key, msg string) string {
	h := hmac.New(sha1.New, []byte(key))
	h.Write([]byte(msg))
	return hex.EncodeToString(h.Sum(nil))
}
