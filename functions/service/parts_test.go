package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// part is a /presign body for part n of upload U with a stated length
// (length < 0: none).
func partBody(n string, length int64) string {
	if length < 0 {
		return fmt.Sprintf(`{"key":"a.bin","method":"PUT","params":{"partNumber":%q,"uploadId":"U"}}`, n)
	}
	return fmt.Sprintf(`{"key":"a.bin","method":"PUT","contentLength":%d,"params":{"partNumber":%q,"uploadId":"U"}}`, length, n)
}

// TestMultipartObjectBounds: SIGN_MAX_PARTS and the part limit bound a
// multipart object as a whole (issue 17, point 5). The deployment,
// SIGN_MAX_CONTENT_LENGTH=10485760 and SIGN_MAX_PARTS=10, signs at most 10
// parts of at most 10 MiB each: a multipart object of at most 104,857,600
// bytes, a single PUT of at most 10,485,760. Each refusal names the
// variable that refuses.
func TestMultipartObjectBounds(t *testing.T) {
	f := withIdentity(t, map[string]string{"SIGN_MAX_CONTENT_LENGTH": "10485760", "SIGN_MAX_PARTS": "10"}, "alice")
	last := f.post("/presign", partBody("10", 10485760))
	verifyPresigned(t, last, "", signer.Request{Method: "PUT", Key: "a.bin", Headers: map[string]string{"Content-Length": "10485760"},
		Params: map[string]string{"partNumber": "10", "uploadId": "U"}})
	checkRefusals(t, f, []refusal{
		{"part 11", "", partBody("11", 1), 403, "PartNumberNotAllowed", "SIGN_MAX_PARTS"},
		{"part over the limit", "", partBody("10", 10485761), 403, "ContentLengthNotAllowed", "SIGN_MAX_CONTENT_LENGTH"},
		{"part without a length", "", partBody("1", -1), 400, "MissingContentLength", "SIGN_MAX_CONTENT_LENGTH"},
		{"single PUT over the limit", "", `{"key":"a.bin","method":"PUT","contentLength":10485761}`, 403, "ContentLengthNotAllowed", "SIGN_MAX_CONTENT_LENGTH"},
		// The SDKs' getAuthorization options, as /auth takes them.
		{"part 11 through /auth", "/auth", `{"Method":"put","Pathname":"/a.bin","Query":{"partNumber":"11","uploadId":"U"},"Headers":{"Content-Length":"1"}}`,
			403, "PartNumberNotAllowed", "SIGN_MAX_PARTS"},
	})
	b := f.post("/batch", `{"key":"a.bin","method":"PUT","contentLength":1,"requests":[{"params":{"partNumber":"10","uploadId":"U"}},{"params":{"partNumber":"11","uploadId":"U"}}]}`)
	require.Equal(t, 200, b.status, "%s", b.body)
	results, _ := b.obj["results"].([]any)
	require.Len(t, results, 2)
	signed, _ := results[0].(map[string]any)
	assert.Contains(t, signed["url"], "partNumber=10")
	refused, _ := results[1].(map[string]any)
	refusedErr, _ := refused["error"].(map[string]any)
	assert.Equal(t, "PartNumberNotAllowed", refusedErr["code"], "%v", refused)

	// SIGN_MAX_PART_LENGTH sets the part limit apart from a single PUT's
	// (below it: above, start-up refuses it, TestPartLimitWithinSinglePut).
	sep := withIdentity(t, map[string]string{"SIGN_MAX_CONTENT_LENGTH": "2097152", "SIGN_MAX_PART_LENGTH": "1048576"}, "alice")
	assert.Equal(t, 200, sep.post("/presign", partBody("10000", 1048576)).status, "COS's 10,000 parts by default")
	assert.Equal(t, 200, sep.post("/presign", `{"key":"a.bin","method":"PUT","contentLength":2097152}`).status)
	checkRefusals(t, sep, []refusal{
		{"part over SIGN_MAX_PART_LENGTH", "", partBody("1", 1048577), 403, "ContentLengthNotAllowed", "SIGN_MAX_PART_LENGTH"},
		{"part without a length", "", partBody("1", -1), 400, "MissingContentLength", "SIGN_MAX_PART_LENGTH"},
		{"single PUT over SIGN_MAX_CONTENT_LENGTH", "", `{"key":"a.bin","method":"PUT","contentLength":2097153}`, 403, "ContentLengthNotAllowed", "SIGN_MAX_CONTENT_LENGTH"},
	})
	partsOnly := withIdentity(t, map[string]string{"SIGN_MAX_PART_LENGTH": "2097152"}, "alice")
	assert.Equal(t, "MissingContentLength", partsOnly.post("/presign", partBody("1", -1)).code())
	assert.Equal(t, 200, partsOnly.post("/presign", `{"key":"a.bin","method":"PUT"}`).status, "a single PUT is SIGN_MAX_CONTENT_LENGTH's, unset here")
}

// TestPartNumbers: a part number is signed only as COS's parser could
// read it one way: plain digits from 1 to 10,000, with or without limits.
func TestPartNumbers(t *testing.T) {
	f := withIdentity(t, nil, "alice")
	assert.Equal(t, 200, f.post("/presign", partBody("10000", -1)).status)
	var cases []refusal
	for _, n := range []string{"0", "10001", "01", "+1", "-1", " 1", "1 ", "1.0", "1e3", "0x10", "", "99999999999999999999"} {
		cases = append(cases, refusal{strconv.Quote(n), "", partBody(n, -1), 400, "InvalidPartNumber", "1 to 10000"})
	}
	checkRefusals(t, f, cases)
}

func TestMultipartBoundConfig(t *testing.T) {
	for name, vals := range map[string][]string{
		"SIGN_MAX_PARTS":       {"0", "10001", "ten", "-5"},
		"SIGN_MAX_PART_LENGTH": {"0", "5368709121", "5GB"},
	} {
		for _, v := range vals {
			env := baseEnv()
			env[name] = v
			_, err := LoadConfig(func(k string) string { return env[k] })
			require.Error(t, err, "%s=%s", name, v)
			assert.Contains(t, err.Error(), name)
		}
	}
	cfg, err := LoadConfig(func(k string) string { return baseEnv()[k] })
	require.NoError(t, err)
	assert.Equal(t, 10000, cfg.MaxParts)
	n, name := cfg.PartLimit()
	assert.Equal(t, int64(0), n)
	assert.Equal(t, "SIGN_MAX_CONTENT_LENGTH", name)
}

// TestMultipartObjectBoundAtCOS: under SIGN_MAX_CONTENT_LENGTH=1048576
// and SIGN_MAX_PARTS=3, the largest object a caller stores through a fake
// COS that checks signatures with cos-go-sdk-v5 is 3 parts of 1 MiB: a
// part URL carries a bigger body to no avail, a fourth part is never
// signed, and a completion that lists one fails.
func TestMultipartObjectBoundAtCOS(t *testing.T) {
	fake := fakecos.New(fakecos.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	defer fake.Close()
	fake.Now = func() time.Time { return testNow }
	proxy, err := url.Parse(fake.URL)
	require.NoError(t, err)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	send := func(method, u string, body []byte) (int, http.Header, string) {
		req, err := http.NewRequest(method, u, bytes.NewReader(body))
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(text)
	}
	f := newFixture(t, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "COS_SCHEME": "http",
		"SIGN_MAX_CONTENT_LENGTH": "1048576", "SIGN_MAX_PARTS": "3"})
	presign := func(body string) answer {
		t.Helper()
		a := f.post("/presign", body)
		require.Equal(t, 200, a.status, "%s", a.body)
		return a
	}

	status, _, text := send("POST", presign(`{"method":"POST","key":"big.bin","params":{"uploads":""}}`).str("url"), nil)
	require.Equal(t, 200, status, text)
	id := text[strings.Index(text, "<UploadId>")+10 : strings.Index(text, "</UploadId>")]
	part := func(n int, length int64) string {
		return fmt.Sprintf(`{"method":"PUT","key":"big.bin","contentLength":%d,"params":{"partNumber":"%d","uploadId":%q}}`, length, n, id)
	}
	mib := bytes.Repeat([]byte("x"), 1<<20)
	var xml strings.Builder
	xml.WriteString("<CompleteMultipartUpload>")
	for n := 1; n <= 3; n++ {
		u := presign(part(n, 1<<20)).str("url")
		status, _, _ := send("PUT", u, append(mib, 'y'))
		require.Equal(t, 403, status, "part %d with a byte more than signed", n)
		status, h, text := send("PUT", u, mib)
		require.Equal(t, 200, status, text)
		fmt.Fprintf(&xml, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", n, h.Get("ETag"))
	}
	four := f.post("/presign", part(4, 1))
	require.Equal(t, "PartNumberNotAllowed", four.code())

	done := presign(fmt.Sprintf(`{"method":"POST","key":"big.bin","params":{"uploadId":%q}}`, id)).str("url")
	withFourth := strings.Replace(xml.String(), "<CompleteMultipartUpload>", "<CompleteMultipartUpload>", 1) +
		`<Part><PartNumber>4</PartNumber><ETag>"0"</ETag></Part></CompleteMultipartUpload>`
	status, _, text = send("POST", done, []byte(withFourth))
	require.Equal(t, 400, status, "a completion listing a part never uploaded: %s", text)
	xml.WriteString("</CompleteMultipartUpload>")
	status, _, text = send("POST", done, []byte(xml.String()))
	require.Equal(t, 200, status, text)
	o := fake.Object(testHost, "big.bin")
	require.NotNil(t, o)
	assert.Len(t, o.Data, 3<<20, "SIGN_MAX_PARTS × SIGN_MAX_CONTENT_LENGTH")
}

// FuzzPartBounds: whatever part number and length a caller states, a part
// is signed only as plain digits from 1 to SIGN_MAX_PARTS and a length
// within the part limit, and the URL carries that number as given.
func FuzzPartBounds(f *testing.F) {
	svc := newFixture(f, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_MAX_PARTS": "10", "SIGN_MAX_PART_LENGTH": "2000", "SIGN_MAX_CONTENT_LENGTH": "3000"})
	for _, n := range []string{"1", "10", "11", "0", "01", "+1", " 1", "1e1", "٣", "10000", "9223372036854775808"} {
		f.Add(n, "2000")
		f.Add(n, "2001")
	}
	f.Fuzz(func(t *testing.T, n, length string) {
		body, err := json.Marshal(map[string]any{"key": "a.bin", "method": "PUT", "contentLength": length, "params": map[string]string{"partNumber": n, "uploadId": "U"}})
		require.NoError(t, err)
		resp := svc.svc.Serve(context.Background(), &Request{Method: "POST", Path: "/presign", Body: body, Header: map[string]string{"content-type": "application/json"}})
		if resp.Status != 200 {
			return
		}
		var a struct{ URL string }
		require.NoError(t, json.Unmarshal(resp.Body, &a))
		num, err := strconv.Atoi(n)
		if err != nil || strconv.Itoa(num) != n || num < 1 || num > 10 {
			t.Fatalf("part number %q was signed", n)
		}
		if l, err := strconv.ParseInt(strings.TrimSpace(length), 10, 64); err != nil || l > 2000 {
			t.Fatalf("part length %q was signed", length)
		}
		u, err := url.Parse(a.URL)
		require.NoError(t, err)
		require.Equal(t, n, u.Query().Get("partNumber"))
	})
}

// TestSTSPartBounds: /sts's credentials keep the part bounds, as far as
// CAM can say them: UploadPart is bounded by the part limit (PutObject by
// SIGN_MAX_CONTENT_LENGTH), and, since CAM has no condition on a part's
// number, granted only where every part number COS accepts would be
// signed, so not under SIGN_MAX_PARTS below 10,000.
func TestSTSPartBounds(t *testing.T) {
	allows := func(p *campolicy.Policy, key, action string, length int64) bool {
		return p.Allows(campolicy.Request{Action: action, Resource: sts.Target{Region: testRegion, Bucket: testBucket}.Resource(key, false),
			Headers: map[string]string{"content-length": strconv.FormatInt(length, 10)}})
	}
	vend := func(over map[string]string, body string) (*fixture, *campolicy.Policy, answer) {
		f, fake := stsFixture(t, over, "alice")
		a := f.post("/sts", body)
		require.Equal(t, 200, a.status, "%s", a.body)
		return f, fake.Vended()[len(fake.Vended())-1].Policy, a
	}
	const key = "users/alice/a.bin"

	f, p, _ := vend(map[string]string{"SIGN_MAX_CONTENT_LENGTH": "2097152", "SIGN_MAX_PART_LENGTH": "1048576"}, `{}`)
	assert.True(t, allows(p, key, sts.ActUploadPart, 1048576))
	assert.False(t, allows(p, key, sts.ActUploadPart, 1048577), "a part over SIGN_MAX_PART_LENGTH")
	assert.True(t, allows(p, key, sts.ActPutObject, 2097152))
	assert.False(t, allows(p, key, sts.ActPutObject, 2097153))
	body := func(n string, length int64) string {
		return fmt.Sprintf(`{"key":%q,"method":"PUT","contentLength":%d,"params":{"partNumber":%q,"uploadId":"U"}}`, key, length, n)
	}
	assert.Equal(t, 200, f.post("/presign", body("10000", 1048576)).status, "signing agrees")
	assert.Equal(t, "ContentLengthNotAllowed", f.post("/presign", body("1", 1048577)).code())

	_, p, _ = vend(map[string]string{"SIGN_MAX_CONTENT_LENGTH": "1048576"}, `{}`)
	assert.True(t, allows(p, key, sts.ActUploadPart, 1048576), "the part limit is SIGN_MAX_CONTENT_LENGTH's by default")
	assert.False(t, allows(p, key, sts.ActUploadPart, 1048577))

	f, p, _ = vend(map[string]string{"SIGN_MAX_CONTENT_LENGTH": "1048576", "SIGN_MAX_PARTS": "10"}, `{}`)
	assert.False(t, allows(p, key, sts.ActUploadPart, 1), "CAM cannot stop at part 10")
	assert.True(t, allows(p, key, sts.ActPutObject, 1048576), "single uploads stay")
	assert.Equal(t, "PartNumberNotAllowed", f.post("/presign", body("11", 1)).code())

	// The key form: a stated length is the object's, so its parts' too.
	_, p, a := vend(map[string]string{"SIGN_MAX_CONTENT_LENGTH": "1048576"}, `{"ext":"bin","contentLength":100}`)
	chosen := a.str("Key")
	require.NotEmpty(t, chosen, "%s", a.body)
	assert.True(t, allows(p, chosen, sts.ActUploadPart, 100))
	assert.False(t, allows(p, chosen, sts.ActUploadPart, 101))
}
