package sts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/campolicy"
)

var scope = campolicy.Scope{Region: testRegion, AppID: "1250000000", Bucket: testBucket}

const base = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/"

// allParams is SIGN_ALLOWED_PARAMS naming every param a vended action
// needs.
var allParams = append([]string{"response-content-type"}, multipartParams...)

// Finding 2: a PUT-only prefix gets PutObject and what else the key
// policy signs there, never the multipart set by association.
func TestDeriveActionByAction(t *testing.T) {
	signs := rulesPolicy(t, []string{"users/{sub}/", "drop/=PUT", "public/=GET|HEAD"}, allParams, true)
	assert.Equal(t, []string{ActPutObject, ActUploadPart}, Derive("drop/", Limits{}, signs).Actions,
		"drop/=PUT: no POST (initiate, complete), no GET (ListParts, ListMultipartUploads), no DELETE (abort)")
	assert.Equal(t, []string{ActListParts, ActListMultipartUploads, ActGetObject, ActHeadObject}, Derive("public/", Limits{}, signs).Actions,
		"public/=GET|HEAD: the GETs the key policy signs there, listings included")
	assert.Equal(t, []string{ActPutObject, ActInitiateMultipartUpload, ActUploadPart, ActListParts,
		ActCompleteMultipartUpload, ActAbortMultipartUpload, ActListMultipartUploads, ActGetObject, ActHeadObject, ActDeleteObject},
		Derive("users/alice/", Limits{}, signs).Actions, "every method: every action but the form upload, whose ACL the key policy refuses")

	// SIGN_ALLOWED_PARAMS without uploads/uploadId: whole objects only
	// (ListMultipartUploads is a scoped listing, whose params the key
	// policy allows by its own rule).
	whole := rulesPolicy(t, []string{"users/{sub}/"}, []string{"versionId"}, true)
	assert.Equal(t, []string{ActPutObject, ActListMultipartUploads, ActGetObject, ActHeadObject, ActDeleteObject}, Derive("users/alice/", Limits{}, whole).Actions)
	// Reads only (an anonymous caller without writes).
	reads := rulesPolicy(t, []string{"users/{sub}/"}, allParams, false)
	assert.Equal(t, []string{ActListParts, ActListMultipartUploads, ActGetObject, ActHeadObject}, Derive("users/alice/", Limits{}, reads).Actions)
	// A form upload only where the key policy signs its ACL headers too,
	// and without upload limits.
	acl := rulesPolicy(t, []string{"users/{sub}/"}, append(allParams, "x-cos-acl", "x-cos-grant-read",
		"x-cos-grant-read-acp", "x-cos-grant-write-acp", "x-cos-grant-full-control", "x-cos-storage-class"), true)
	assert.Contains(t, Derive("users/alice/", Limits{}, acl).Actions, ActPostObject)
	assert.NotContains(t, Derive("users/alice/", Limits{MaxContentLength: 10}, acl).Actions, ActPostObject)
	assert.Empty(t, Derive("users/bob/", Limits{}, signs).Actions)
}

// Finding 3: every condition key whose name the key policy refuses gets a
// deny on the actions COS applies it to.
func TestDeniesWhatTheKeyPolicyRefuses(t *testing.T) {
	signs := rulesPolicy(t, []string{"users/{sub}/"}, allParams, true)
	g := Derive("users/alice/", Limits{}, signs)
	p, err := BuildPolicy(testTarget, []Grant{g}, Limits{})
	require.NoError(t, err)
	parsed, err := campolicy.Parse(p.JSON(), scope)
	require.NoError(t, err, p.JSON())
	obj := base + "users/alice/a.png"
	req := func(action string, h, q map[string]string) bool {
		return parsed.Allows(campolicy.Request{Action: action, Resource: obj, Headers: h, Params: q})
	}
	assert.True(t, req(ActPutObject, nil, nil))
	for _, k := range ConditionKeys() {
		for _, a := range k.Actions {
			if a == ActPostObject {
				continue // not vended here
			}
			h, q := map[string]string{}, map[string]string{}
			if k.Param {
				q[k.Name] = k.Value
			} else {
				h[k.Name] = k.Value
			}
			want := k.Key == "cos:response-content-type" || k.Key == "cos:versionid" // allParams names them
			assert.Equal(t, want, req(a, h, q), "%s on %s", k.Key, a)
		}
	}
	assert.False(t, req(ActPutObject, map[string]string{"x-cos-acl": "public-read"}, nil))
	assert.False(t, req(ActInitiateMultipartUpload, map[string]string{"x-cos-grant-full-control": `id="1"`}, nil))

	// A response type the key policy refuses on GET.
	noResponse := rulesPolicy(t, []string{"users/{sub}/"}, multipartParams, true)
	p, err = BuildPolicy(testTarget, []Grant{Derive("users/alice/", Limits{}, noResponse)}, Limits{})
	require.NoError(t, err)
	parsed, err = campolicy.Parse(p.JSON(), scope)
	require.NoError(t, err)
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: obj, Params: map[string]string{"response-content-type": "text/html"}}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: obj, Params: map[string]string{"Response-Content-Type": "text/html"}}))
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: obj}))
}

// Finding 1: the type condition holds under every reading of CAM: exact,
// lower-case, parameter-free types compared with string_equal.
func TestTypeConditionUnderEveryReading(t *testing.T) {
	types, err := ExpressibleTypes([]string{"image/*", "text/csv"}, func(string) bool { return true })
	require.NoError(t, err)
	l := Limits{Types: types, MaxContentLength: 1000}
	signs := rulesPolicy(t, []string{"users/{sub}/"}, multipartParams, true)
	p, err := BuildPolicy(testTarget, []Grant{Derive("users/alice/", l, signs)}, l)
	require.NoError(t, err)
	assert.NotContains(t, p.JSON(), "string_like\":{\"cos:content-type\":[\"image", "no pattern on an allow")
	parsed, err := campolicy.Parse(p.JSON(), scope)
	require.NoError(t, err, p.JSON())
	put := func(ct string) bool {
		return parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: base + "users/alice/a",
			Headers: map[string]string{"content-type": ct, "content-length": "10"}})
	}
	for _, ok := range []string{"image/png", "image/webp", "text/csv", "IMAGE/PNG", " image/png", "image/png\t"} {
		assert.True(t, put(ok), "%q: some reading admits it, and so does the key policy", ok)
	}
	for _, bad := range []string{"image/svg+xml ;charset=utf-8", "image/svg+xml\t;x", "image/SVG+XML", "image/ png", "image/png (x)",
		"image/png;charset=utf-8", "text/HTML", "application/XML", "text/JavaScript", "text/xml ;x", "image/svg+xml", "text/c\u017fv",
		"image/png, text/html", "", "image/*"} {
		assert.False(t, put(bad), "%q", bad)
	}
	for _, e := range []string{"*", "*/*", "application/*", "video/*"} {
		_, err := ExpressibleTypes([]string{"image/png", e}, func(string) bool { return true })
		assert.ErrorContains(t, err, e)
	}
	_, err = ExpressibleTypes([]string{"image/*"}, func(t string) bool { return t != "image/png" })
	assert.ErrorContains(t, err, "image/png")
}

func TestBuildPolicyRefuses(t *testing.T) {
	for _, path := range []string{"", "/", "users/*/x", "users/a*/", "users/${uin}/", "users/{sub}/", "users/b?b/"} {
		_, err := BuildPolicy(testTarget, []Grant{{Path: path, Actions: []string{ActGetObject}}}, Limits{})
		assert.Error(t, err, "%q", path)
	}
	_, err := BuildPolicy(Target{Region: testRegion, Bucket: "examplebucket"}, []Grant{{Path: "a/", Actions: []string{ActGetObject}}}, Limits{})
	assert.ErrorContains(t, err, "APPID")
	_, err = BuildPolicy(testTarget, []Grant{{Path: "a/"}}, Limits{})
	assert.ErrorIs(t, err, ErrNoAction)
}

func TestKeyGrantIsExact(t *testing.T) {
	p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/abc.png", Actions: []string{ActPutObject}}}, Limits{})
	require.NoError(t, err)
	text := p.JSON()
	assert.NotContains(t, strings.ToLower(text), "principal")
	parsed, err := campolicy.Parse(text, scope)
	require.NoError(t, err)
	res := base + "users/alice/abc.png"
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: res}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: res + "x"}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: res}))
}

func TestCovers(t *testing.T) {
	signs := rulesPolicy(t, []string{"users/{sub}/"}, allParams, true)
	prefix, err := BuildPolicy(testTarget, []Grant{Derive("users/alice/", Limits{}, signs)}, Limits{})
	require.NoError(t, err)
	key, err := BuildPolicy(testTarget, []Grant{Derive("users/alice/x.png", Limits{}, signs).Narrow([]string{ActPutObject})}, Limits{})
	require.NoError(t, err)
	assert.True(t, prefix.Covers(key))
	assert.False(t, key.Covers(prefix))
	typed, err := BuildPolicy(testTarget, []Grant{Derive("users/alice/x.png", Limits{Types: []string{"image/png"}}, signs)}, Limits{Types: []string{"image/png"}})
	require.NoError(t, err)
	assert.False(t, prefix.Covers(typed), "other conditions: not the same grant")
}
