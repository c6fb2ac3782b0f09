package sts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/campolicy"
)

var scope = campolicy.Scope{Region: testRegion, AppID: "1250000000", Bucket: testBucket}

func TestActionsPerMethod(t *testing.T) {
	assert.Equal(t, []string{ActPutObject, ActInitiateMultipartUpload, ActUploadPart, ActListParts,
		ActCompleteMultipartUpload, ActAbortMultipartUpload, ActListMultipartUploads}, Actions([]string{"PUT"}, false, true))
	assert.Equal(t, []string{ActPostObject}, Actions([]string{"POST"}, false, true))
	assert.Empty(t, Actions([]string{"POST"}, true, true), "PostObject only without type or size limits")
	assert.Equal(t, []string{ActGetObject, ActHeadObject, ActDeleteObject}, Actions([]string{"get", "HEAD", "DELETE", "OPTIONS"}, false, true))
	assert.Equal(t, []string{ActGetObject}, Actions([]string{"PUT", "POST", "DELETE", "GET"}, false, false), "no writes: reads only")
}

func TestBuildPolicyShape(t *testing.T) {
	p, err := BuildPolicy(testTarget, []Grant{
		{Path: "users/alice/", Methods: []string{"PUT", "GET", "POST"}},
		{Path: "public/", Methods: []string{"GET"}},
	}, Limits{ContentTypes: []string{"image/*"}, DenyActive: []string{"image/svg+xml*"}, MaxContentLength: 1000}, true)
	require.NoError(t, err)
	text := p.JSON()
	assert.NotContains(t, strings.ToLower(text), "principal")
	assert.NotContains(t, text, ActPostObject, "a type or size limit drops PostObject")
	parsed, err := campolicy.Parse(text, scope)
	require.NoError(t, err, text)
	alice := "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/*"
	assert.Equal(t, []string{alice, "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/public/*"}, p.Resources())

	put := func(res, ct, cl string) bool {
		h := map[string]string{}
		if ct != "" {
			h["content-type"] = ct
		}
		if cl != "" {
			h["content-length"] = cl
		}
		return parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: res, Headers: h})
	}
	obj := "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/a.png"
	assert.True(t, put(obj, "image/png", "10"))
	assert.False(t, put(obj, "", "10"), "strict string_like: an absent type fails")
	assert.False(t, put(obj, "text/html", "10"))
	assert.False(t, put(obj, "image/svg+xml", "10"), "the deny wins")
	assert.False(t, put(obj, "image/png", "1001"))
	assert.False(t, put(obj, "image/png", ""), "an absent length fails")
	assert.False(t, put("qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice2/a.png", "image/png", "10"))
	assert.False(t, put("qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/public/a.png", "image/png", "10"), "public is read-only")
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/public/x"}))
	part := campolicy.Request{Action: ActUploadPart, Resource: obj, Headers: map[string]string{"content-length": "1000"}}
	assert.True(t, parsed.Allows(part), "a part is bounded by length only")
	part.Headers["content-length"] = "1001"
	assert.False(t, parsed.Allows(part))
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActInitiateMultipartUpload, Resource: obj, Headers: map[string]string{"content-type": "image/jpeg"}}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActInitiateMultipartUpload, Resource: obj}), "the type is set at initiation")
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActCompleteMultipartUpload, Resource: obj}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActDeleteObject, Resource: obj}))
}

func TestBuildPolicyRefuses(t *testing.T) {
	for _, path := range []string{"", "/", "users/*/x", "users/a*/", "users/${uin}/", "users/{sub}/"} {
		_, err := BuildPolicy(testTarget, []Grant{{Path: path, Methods: []string{"GET"}}}, Limits{}, true)
		assert.Error(t, err, "%q", path)
	}
	_, err := BuildPolicy(Target{Region: testRegion, Bucket: "examplebucket"}, []Grant{{Path: "a/", Methods: []string{"GET"}}}, Limits{}, true)
	assert.ErrorContains(t, err, "APPID")
	_, err = BuildPolicy(testTarget, []Grant{{Path: "a/", Methods: []string{"PUT"}}}, Limits{}, false)
	assert.ErrorIs(t, err, ErrNoAction, "anonymous PUT-only grants nothing")
}

func TestKeyGrantIsExact(t *testing.T) {
	p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/abc.png", Methods: []string{"PUT"}}}, Limits{}, true)
	require.NoError(t, err)
	parsed, err := campolicy.Parse(p.JSON(), scope)
	require.NoError(t, err)
	base := "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/users/alice/abc.png"
	assert.True(t, parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: base}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActPutObject, Resource: base + "x"}))
	assert.False(t, parsed.Allows(campolicy.Request{Action: ActGetObject, Resource: base}))
}
