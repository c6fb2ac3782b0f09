package fakecos

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/cos-signer/cos-signer/internal/campolicy"
)

const host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"

// client is cos-go-sdk-v5 reaching fake through its proxy door.
func client(t *testing.T, fake *Server, c Credentials) *cos.Client {
	t.Helper()
	proxy, _ := url.Parse(fake.URL)
	u, _ := url.Parse("http://" + host)
	cl := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{
		SecretID: c.SecretID, SecretKey: c.SecretKey, SessionToken: c.Token,
		Transport: &http.Transport{Proxy: http.ProxyURL(proxy)},
	}})
	cl.Conf.RetryOpt.Count = 1
	return cl
}

var (
	permanent = Credentials{SecretID: "AKIDfakecospermanent", SecretKey: "permanent-secret"}
	temporary = Credentials{SecretID: "AKIDfakecostemporary", SecretKey: "temporary-secret", Token: "temporary-token"}
)

// TestObjectFlows: the official Go SDK's own requests pass, objects are
// kept, and a multipart upload assembles its parts.
func TestObjectFlows(t *testing.T) {
	fake := New(permanent, temporary)
	defer fake.Close()
	ctx := context.Background()
	for _, c := range []Credentials{permanent, temporary} {
		cl := client(t, fake, c)
		if _, err := cl.Object.Put(ctx, "a/b.txt", strings.NewReader("hello"), &cos.ObjectPutOptions{
			ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: "text/plain"}}); err != nil {
			t.Fatalf("%s: put: %v", c.SecretID, err)
		}
		resp, err := cl.Object.Get(ctx, "a/b.txt", nil)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "hello" || resp.Header.Get("Content-Type") != "text/plain" {
			t.Fatalf("get = %q %q", body, resp.Header.Get("Content-Type"))
		}
		if _, err := cl.Object.Head(ctx, "a/b.txt", nil); err != nil {
			t.Fatalf("head: %v", err)
		}
		if _, err := cl.Object.Delete(ctx, "a/b.txt"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := cl.Object.Head(ctx, "a/b.txt", nil); !cos.IsNotFoundError(err) {
			t.Fatalf("head after delete: %v", err)
		}
	}

	cl := client(t, fake, temporary)
	init, _, err := cl.Object.InitiateMultipartUpload(ctx, "big.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{bytes.Repeat([]byte("a"), minPartSize), bytes.Repeat([]byte("b"), minPartSize), []byte("c")}
	opt := &cos.CompleteMultipartUploadOptions{}
	for i, p := range parts {
		resp, err := cl.Object.UploadPart(ctx, "big.bin", init.UploadID, i+1, bytes.NewReader(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: i + 1, ETag: resp.Header.Get("ETag")})
	}
	ups, _, err := cl.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{Prefix: "big"})
	if err != nil || len(ups.Uploads) != 1 || ups.Uploads[0].UploadID != init.UploadID {
		t.Fatalf("list uploads = %+v, %v", ups, err)
	}
	ps, _, err := cl.Object.ListParts(ctx, "big.bin", init.UploadID, nil)
	if err != nil || len(ps.Parts) != 3 {
		t.Fatalf("list parts = %+v, %v", ps, err)
	}
	if _, _, err := cl.Object.CompleteMultipartUpload(ctx, "big.bin", init.UploadID, opt); err != nil {
		t.Fatal(err)
	}
	if o := fake.Object(host, "big.bin"); o == nil || !bytes.Equal(o.Data, bytes.Join(parts, nil)) {
		t.Fatal("completed object is not its parts joined")
	}
}

// TestRefusals: what COS refuses, the fake refuses, naming why.
func TestRefusals(t *testing.T) {
	fake := New(permanent, temporary)
	defer fake.Close()
	fake.PutObject(host, "k.txt", []byte("x"), "text/plain")
	ctx := context.Background()
	// HEAD answers have no body: the code is read from the fake's log.
	get := func(c Credentials) error {
		if _, err := client(t, fake, c).Object.Head(ctx, "k.txt", nil); err == nil {
			return nil
		}
		log := fake.Log()
		e := log[len(log)-1]
		return &cos.ErrorResponse{Code: e.Code, Message: e.Message}
	}
	if err := get(Credentials{SecretID: permanent.SecretID, SecretKey: "wrong"}); !isCode(err, "SignatureDoesNotMatch") {
		t.Errorf("wrong key: %v", err)
	}
	if err := get(Credentials{SecretID: "AKIDunknown", SecretKey: "x"}); !isCode(err, "InvalidAccessKeyId") {
		t.Errorf("unknown id: %v", err)
	}
	if err := get(Credentials{SecretID: temporary.SecretID, SecretKey: temporary.SecretKey}); !isCode(err, "InvalidAccessKeyId") {
		t.Errorf("temporary key without its token: %v", err)
	}

	// A presigned URL: a signed header that is not sent, an expired window.
	cl := client(t, fake, permanent)
	signed, err := cl.Object.GetPresignedURL(ctx, http.MethodGet, "k.txt", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Header: &http.Header{"X-Cos-Meta-A": {"1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if st := rawGet(t, fake, signed.String()); st != http.StatusForbidden {
		t.Errorf("signed header not sent: %d", st)
	}
	signed, _ = cl.Object.GetPresignedURL(ctx, http.MethodGet, "k.txt", permanent.SecretID, permanent.SecretKey, time.Minute, nil)
	if st := rawGet(t, fake, signed.String()); st != http.StatusOK {
		t.Errorf("presigned GET: %d", st)
	}
	fake.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if st := rawGet(t, fake, signed.String()); st != http.StatusForbidden {
		t.Errorf("expired: %d", st)
	}
	fake.Now = time.Now

	fake.FailOnce("GET", "k.txt")
	if st := rawGet(t, fake, signed.String()); st != http.StatusServiceUnavailable {
		t.Errorf("FailOnce: %d", st)
	}
	if st := rawGet(t, fake, signed.String()); st != http.StatusOK {
		t.Errorf("after FailOnce: %d", st)
	}
	log := fake.Log()
	if e := log[len(log)-2]; e.Code != "ServiceUnavailable" || e.Key != "k.txt" {
		t.Errorf("log entry = %+v", e)
	}
}

// TestFormUploadWithTemporaryKeys: a form upload signed with keys an STS
// vended is checked as COS checks it: the keys are found (CredentialsFor),
// their token is required, and their CAM policy must allow
// name/cos:PostObject on the form's key.
func TestFormUploadWithTemporaryKeys(t *testing.T) {
	fake := New(permanent)
	defer fake.Close()
	fake.CredentialsFor = func(id string) (Credentials, bool) { return temporary, id == temporary.SecretID }
	policy, err := campolicy.Parse(`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:PostObject"],`+
		`"resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/*"]}]}`,
		campolicy.Scope{Region: "ap-guangzhou", AppID: "1250000000", Bucket: "examplebucket-1250000000"})
	if err != nil {
		t.Fatal(err)
	}
	fake.Authorize = func(a Access) bool {
		return a.SecretID != temporary.SecretID || policy.Allows(campolicy.Request{Action: a.Action, Resource: a.Resource, Headers: a.Headers})
	}
	for _, c := range []struct {
		key       string
		cred      Credentials
		withToken bool
		status    int
		code      string
	}{
		{"users/alice/a.txt", temporary, true, http.StatusNoContent, ""},
		{"users/bob/a.txt", temporary, true, http.StatusForbidden, "AccessDenied"},
		{"users/alice/b.txt", temporary, false, http.StatusForbidden, "InvalidAccessKeyId"},
		{"users/bob/b.txt", permanent, false, http.StatusNoContent, ""}, // the deployer's own keys: no vended policy
	} {
		if st := postForm(t, fake, c.cred, c.key, c.withToken); st != c.status {
			t.Errorf("%s by %s (token %v): %d, want %d", c.key, c.cred.SecretID, c.withToken, st, c.status)
		}
		log := fake.Log()
		if e := log[len(log)-1]; e.Key != c.key || e.Code != c.code {
			t.Errorf("%s: log entry %+v, want code %q", c.key, e, c.code)
		}
		if stored := fake.Object(host, c.key) != nil; stored != (c.status == http.StatusNoContent) {
			t.Errorf("%s stored: %v", c.key, stored)
		}
	}
	if e := fake.Log()[1]; e.Message != "Access Denied. (the credentials' CAM policy does not allow name/cos:PostObject here)" {
		t.Errorf("refusal message %q", e.Message)
	}
}

// postForm uploads key with a POST form signed by c, as the POST Object
// API defines the signature, and returns the status.
func postForm(t *testing.T, fake *Server, c Credentials, key string, withToken bool) int {
	t.Helper()
	now := time.Now()
	policy := fmt.Sprintf(`{"expiration":%q,"conditions":[{"bucket":"examplebucket-1250000000"},{"key":%q}]}`,
		now.Add(time.Minute).UTC().Format(time.RFC3339), key)
	keyTime := fmt.Sprintf("%d;%d", now.Add(-time.Minute).Unix(), now.Add(time.Minute).Unix())
	sum := sha1.Sum([]byte(policy))
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields := [][2]string{{"key", key}, {"policy", base64.StdEncoding.EncodeToString([]byte(policy))}, {"q-sign-algorithm", "sha1"},
		{"q-ak", c.SecretID}, {"q-key-time", keyTime}, {"q-signature", hmacHex([]byte(hmacHex([]byte(c.SecretKey), keyTime)), hex.EncodeToString(sum[:]))}}
	if withToken {
		fields = append(fields, [2]string{"x-cos-security-token", c.Token})
	}
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, _ := w.CreateFormFile("file", "a.txt")
	io.WriteString(fw, "form bytes")
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, "http://"+host+"/", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	proxy, _ := url.Parse(fake.URL)
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func isCode(err error, code string) bool {
	e, ok := err.(*cos.ErrorResponse)
	return ok && e.Code == code
}

func rawGet(t *testing.T, fake *Server, u string) int {
	t.Helper()
	proxy, _ := url.Parse(fake.URL)
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// rawPut sends a PUT of body to u through the fake, with headers.
func rawPut(t *testing.T, fake *Server, u string, body []byte, headers map[string]string) int {
	t.Helper()
	proxy, _ := url.Parse(fake.URL)
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestParamNamesAsSpelt: a signature, computed on lower-cased param names
// by cos-go-sdk-v5, holds for any letter case of them, and the fake reads
// names as spelt, as S3 does: a part URL re-sent with PARTNUMBER and
// UPLOADID is a PUT Object, ?TAGGING no tagging (issue 22).
func TestParamNamesAsSpelt(t *testing.T) {
	fake := New(permanent)
	defer fake.Close()
	ctx := context.Background()
	cl := client(t, fake, permanent)
	init, _, err := cl.Object.InitiateMultipartUpload(ctx, "pic.png", &cos.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: "image/png"}})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("<script>alert(1)</script>")
	part, err := cl.Object.GetPresignedURL(ctx, http.MethodPut, "pic.png", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Query: &url.Values{"partNumber": {"1"}, "uploadId": {init.UploadID}}})
	if err != nil {
		t.Fatal(err)
	}
	recased := strings.NewReplacer("partNumber=", "PARTNUMBER=", "uploadId=", "UPLOADID=").Replace(part.String())
	if st := rawPut(t, fake, recased, body, map[string]string{"Content-Type": "text/html"}); st != http.StatusOK {
		t.Fatalf("re-cased part URL: %d", st)
	}
	o := fake.Object(host, "pic.png")
	if o == nil || o.ContentType != "text/html" || string(o.Data) != string(body) {
		t.Fatalf("re-cased part URL did not store a PUT Object: %+v", o)
	}
	if log := fake.Log(); ActionOf(http.MethodPut, "pic.png", parseQuery(log[len(log)-1].Query)) != "name/cos:PutObject" {
		t.Errorf("action of the re-cased part: %s", log[len(log)-1].Query)
	}

	// ?tagging leaves the object as it is; ?TAGGING is a PUT Object.
	fake.PutObject(host, "t.png", []byte("png"), "image/png")
	tag, _ := cl.Object.GetPresignedURL(ctx, http.MethodPut, "t.png", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Query: &url.Values{"tagging": {""}}})
	if st := rawPut(t, fake, tag.String(), []byte("<Tagging/>"), map[string]string{"Content-Type": "application/xml"}); st != http.StatusOK {
		t.Fatalf("tagging: %d", st)
	}
	if o := fake.Object(host, "t.png"); o.ContentType != "image/png" {
		t.Errorf("?tagging changed the object: %+v", o)
	}
	if st := rawPut(t, fake, strings.Replace(tag.String(), "tagging=", "TAGGING=", 1), body, map[string]string{"Content-Type": "text/html"}); st != http.StatusOK {
		t.Fatalf("TAGGING: %d", st)
	}
	if o := fake.Object(host, "t.png"); o.ContentType != "text/html" {
		t.Errorf("?TAGGING was not a PUT Object: %+v", o)
	}
}

// TestCopyAndRename: a copy takes the source's data and type; a rename
// moves the object.
func TestCopyAndRename(t *testing.T) {
	fake := New(permanent)
	defer fake.Close()
	ctx := context.Background()
	cl := client(t, fake, permanent)
	fake.PutObject(host, "src/a b.html", []byte("<p>"), "text/html")
	// The SDK URL-encodes the source key itself.
	if _, _, err := cl.Object.Copy(ctx, "dst/c.png", host+"/src/a b.html", nil); err != nil {
		t.Fatal(err)
	}
	if o := fake.Object(host, "dst/c.png"); o == nil || o.ContentType != "text/html" || string(o.Data) != "<p>" {
		t.Fatalf("copy: %+v", o)
	}
	ren, _ := cl.Object.GetPresignedURL(ctx, http.MethodPut, "dst/d.html", permanent.SecretID, permanent.SecretKey, time.Minute,
		&cos.PresignedURLOptions{Query: &url.Values{"rename": {""}}, Header: &http.Header{"X-Cos-Rename-Source": {"/src/a%20b.html"}}})
	if st := rawPut(t, fake, ren.String(), nil, map[string]string{"x-cos-rename-source": "/src/a%20b.html"}); st != http.StatusOK {
		t.Fatalf("rename: %d", st)
	}
	if fake.Object(host, "src/a b.html") != nil || fake.Object(host, "dst/d.html") == nil {
		t.Error("rename did not move the object")
	}
}
