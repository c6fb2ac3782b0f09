package service

import (
	"net/url"
	"testing"

	"github.com/cos-signer/cos-signer/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnknownFieldsAreRefused: a misspelt field is a 400 naming it and the
// field meant, never a silent default (issue 13 item 1).
func TestUnknownFieldsAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	for body, msg := range map[string]string{
		`{"key":"a.txt","expire":600}`:                        `unknown field "expire": did you mean "expired"?`,
		`{"key":"a.txt","mehtod":"PUT"}`:                      `unknown field "mehtod": did you mean "method"?`,
		`{"key":"a.txt","param":{"versionId":"1"}}`:           `unknown field "param": did you mean "params"?`,
		`{"Key":"a.txt","contentTyep":"image/png"}`:           `did you mean "contentType"?`,
		`{"key":"a.txt","clientVersion":"9"}`:                 `unknown field "clientVersion": the fields are action, bucket,`,
		`{"key":"a.txt","SystemClockOffset":0}`:               `unknown field "SystemClockOffset"`, // not an SDK options object
		`{"Key":"a.txt","Method":"GET","forceSignHost":true}`: `unknown field "forceSignHost"`,     // the SDKs capitalise their options
		`{"requests":[{"key":"a"}],"expird":60}`:              `did you mean "expired"?`,
		`{"action":"presign","key":"a","redirct":"1"}`:        `did you mean "redirect"?`,
	} {
		a := f.post("/presign", body)
		require.Equal(t, 400, a.status, "%s: %s", body, a.body)
		assert.Equal(t, "UnknownField", a.code(), body)
		assert.Contains(t, a.message(), msg, body)
	}
	// A link's query is the exception: share sheets and trackers append
	// their own names.
	shared := f.get("/download", url.Values{"key": {"a.txt"}, "utm_source": {"mp", "share"}, "from": {"timeline"}})
	assert.Equal(t, 200, shared.status, "%s", shared.body)
	form := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte("key=a.txt&expire=60"), Header: map[string]string{"content-type": "application/x-www-form-urlencoded"}})
	assert.Equal(t, "UnknownField", form.code())
	assert.Contains(t, form.message(), `did you mean "expired"?`)

	// In a batch, each entry is checked on its own.
	b := f.post("/batch", `{"requests":[{"key":"a"},{"key":"b","expire":5}]}`)
	require.Equal(t, 200, b.status, "%s", b.body)
	results := b.obj["results"].([]any)
	assert.Contains(t, results[0], "url")
	assert.Equal(t, "UnknownField", results[1].(map[string]any)["error"].(map[string]any)["code"])
}

// TestSDKOptionsObjectIsAccepted: the getAuthorization options of
// cos-js-sdk-v5 1.10.1 / cos-wx-sdk-v5 1.8.0 / cos-nodejs-sdk-v5 3.0.0
// (Bucket, Region, Method, Key, Pathname, Query, Headers, Scope,
// SystemClockOffset, ForceSignHost), passed on as the SDK built it, are
// accepted: the members the service does not read, and any a later SDK
// adds, are ignored (Scope is read by /sts alone).
func TestSDKOptionsObjectIsAccepted(t *testing.T) {
	f := newFixture(t, nil)
	a := f.post("/auth", `{"Bucket":"`+testBucket+`","Region":"`+testRegion+`","Method":"get","Key":"photos/a.jpg","Pathname":"/photos/a.jpg",`+
		`"Query":{"versionId":"v1"},"Headers":{"Host":"`+testHost+`"},"Scope":[{"action":"name/cos:GetObject","bucket":"`+testBucket+`","region":"`+testRegion+`","prefix":"photos/a.jpg"}],`+
		`"SystemClockOffset":0,"ForceSignHost":true,"SomeFutureOption":{"x":1}}`)
	verifyAuth(t, a, "", signer.Request{Method: "GET", Key: "photos/a.jpg", Params: map[string]string{"versionId": "v1"}})

	// The documented aliases, in any letter case, stay accepted.
	p := f.post("/presign", `{"KEY":"a.txt","Expires":"60","SignHost":true,"pathname":"/a.txt"}`)
	require.Equal(t, 200, p.status, "%s", p.body)
	assert.Equal(t, int64(60), p.num("expiredTime")-testNow.Unix())
}

// TestAliasesThatDisagree: two names of one field with different values are
// ambiguous (encoding/json kept one in silence); the same value twice is not.
func TestAliasesThatDisagree(t *testing.T) {
	f := newFixture(t, nil)
	for _, body := range []string{
		`{"key":"a.txt","expired":60,"expires":120}`,
		`{"key":"a.txt","Key":"b.txt"}`,
		`{"key":"a.txt","headers":{"a":"1"},"Headers":{"a":"2"}}`,
	} {
		a := f.post("/presign", body)
		assert.Equal(t, 400, a.status, "%s: %s", body, a.body)
		assert.Equal(t, "DuplicateName", a.code(), body)
	}
	a := f.post("/presign", `{"key":"a.txt","expired":60,"expires":120}`)
	assert.Contains(t, a.message(), `expired ("60") and expires ("120")`)
	q := f.get("/presign", url.Values{"key": {"a.txt"}, "expired": {"60"}, "expires": {"120"}})
	assert.Equal(t, "DuplicateName", q.code())

	same := f.post("/presign", `{"key":"a.txt","expired":60,"expires":"60","Key":"a.txt"}`)
	require.Equal(t, 200, same.status, "%s", same.body)
	assert.Equal(t, int64(60), same.num("expiredTime")-testNow.Unix())

	// A batch entry's expires replaces the batch's expired.
	b := f.post("/batch", `{"expired":60,"requests":[{"key":"a"},{"key":"b","expires":120}]}`)
	require.Equal(t, 200, b.status, "%s", b.body)
	results := b.obj["results"].([]any)
	assert.Equal(t, 60.0, results[0].(map[string]any)["expiredTime"].(float64)-float64(testNow.Unix()))
	assert.Equal(t, 120.0, results[1].(map[string]any)["expiredTime"].(float64)-float64(testNow.Unix()))
}

func TestClosestField(t *testing.T) {
	for name, want := range map[string]string{"expire": "expired", "EXPIRE": "expired", "mehtod": "method", "param": "params",
		"content_type": "contentType", "x": "", "foo": "", "ke": "key", "requestz": "requests", "": ""} {
		assert.Equal(t, want, closestField(name), name)
	}
}
