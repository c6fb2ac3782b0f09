package campolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sc = Scope{Region: "ap-guangzhou", AppID: "1250000000", Bucket: "b-1250000000"}

const res = "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/"

func TestParseRefusesWhatSTSRefuses(t *testing.T) {
	for _, p := range []string{
		`[]`,
		`{"version":"1.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a"]}]}`,
		`{"version":"2.0","statement":[]}`,
		`{"version":"2.0","principal":{"qcs":["*"]},"statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a"]}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a"],"extra":1}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:*"],"resource":["` + res + `a"]}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `*"]}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a*/b"]}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["qcs::cos:ap-guangzhou:uid/1250000001:b-1250000001/a"]}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a"],"condition":{"string_regex":{"cos:content-type":"x"}}}]}`,
		`{"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["` + res + `a"],"condition":{"numeric_less_than_equal":{"cos:content-length":"ten"}}}]}`,
	} {
		_, err := Parse(p, sc)
		assert.Error(t, err, p)
	}
}

func TestAllows(t *testing.T) {
	p, err := Parse(`{"version":"2.0","statement":[
		{"effect":"allow","action":["name/cos:PutObject"],"resource":["`+res+`u/a/*"],"condition":{"string_like":{"cos:content-type":["image/*"]},"numeric_less_than_equal":{"cos:content-length":10}}},
		{"effect":"allow","action":["name/cos:GetObject"],"resource":["`+res+`u/a/*"],"condition":{"string_like_if_exist":{"cos:content-type":"text/*"}}},
		{"effect":"deny","action":["name/cos:PutObject"],"resource":["`+res+`u/a/*"],"condition":{"string_equal":{"cos:content-type":"image/svg+xml"}}}]}`, sc)
	require.NoError(t, err)
	put := func(key, ct, cl string) bool {
		return p.Allows(Request{Action: "name/cos:PutObject", Resource: res + key, Headers: map[string]string{"content-type": ct, "content-length": cl}})
	}
	assert.True(t, put("u/a/x", "image/png", "10"))
	assert.False(t, put("u/a/x", "image/png", "11"))
	assert.False(t, put("u/a/x", "image/svg+xml", "1"), "deny wins")
	assert.False(t, put("u/ab/x", "image/png", "1"))
	assert.False(t, put("u/a", "image/png", "1"))
	assert.False(t, p.Allows(Request{Action: "name/cos:PutObject", Resource: res + "u/a/x", Headers: map[string]string{"content-length": "1"}}), "strict: an absent header fails")
	assert.True(t, p.Allows(Request{Action: "name/cos:GetObject", Resource: res + "u/a/x"}), "_if_exist: absent passes")
	assert.False(t, p.Allows(Request{Action: "name/cos:GetObject", Resource: res + "u/a/x", Headers: map[string]string{"content-type": "image/png"}}))
	assert.False(t, p.Allows(Request{Action: "name/cos:DeleteObject", Resource: res + "u/a/x"}))
}

func TestLike(t *testing.T) {
	assert.True(t, Like("image/*", "image/png"))
	assert.True(t, Like("a?c", "abc"))
	assert.True(t, Like("*", ""))
	assert.False(t, Like("image/*", "Image/png"))
	assert.False(t, Like("image/png", "image/pngx"))
}

func TestGlobReadings(t *testing.T) {
	assert.True(t, glob("users/alice/*", "users/alice/x", false, false))
	assert.False(t, glob("users/alice/*", "users/ALICE/x", false, false))
	assert.True(t, glob("users/alice/*", "users/ALICE/x", false, true))
	assert.True(t, glob("text/csv", "text/c\u017fv", false, true), "Unicode simple folding: ſ is s")
	assert.True(t, glob("*\u212a*", "ok", false, true), "the Kelvin sign is k")
	assert.False(t, glob("users/b?b/*", "users/bob/x", false, false), "'?' literal")
	assert.True(t, glob("users/b?b/*", "users/bob/x", true, false), "'?' a wildcard")
	assert.True(t, glob("a*b*c", "a\u00e9xbyyc", false, false))
	assert.False(t, glob("a*b*c", "a\u00e9xbyy", false, false))
	assert.True(t, glob("*", "", false, false))
	assert.False(t, glob("", "x", false, false))
}

// Every combination of the open questions is a reading; a request is
// allowed when any reading allows it.
func TestAllowsUnderAnyReading(t *testing.T) {
	assert.Len(t, Readings(), 16)
	p, err := Parse(`{"version":"2.0","statement":[
		{"effect":"allow","action":["name/cos:PutObject"],"resource":["`+res+`u/a/*"],"condition":{"string_equal":{"cos:content-type":["image/png"]}}},
		{"effect":"deny","action":["name/cos:PutObject"],"resource":["`+res+`*"],"condition":{"string_like":{"cos:x-cos-acl":["*"]}}}]}`, sc)
	require.NoError(t, err)
	put := func(key, ct string, h map[string]string) bool {
		hs := map[string]string{"content-type": ct}
		for k, v := range h {
			hs[k] = v
		}
		return p.Allows(Request{Action: "name/cos:PutObject", Resource: res + key, Headers: hs})
	}
	assert.True(t, put("u/a/x", "image/png", nil))
	assert.True(t, put("u/a/x", "IMAGE/PNG", nil), "a case-folding reading")
	assert.True(t, put("u/a/x", " image/png\t", nil), "a trimming reading")
	assert.True(t, put("U/A/x", "image/png", nil), "a reading where resources fold case")
	assert.False(t, put("u/a/x", "image/png;x", nil))
	assert.False(t, put("u/a/x", "image/png", map[string]string{"x-cos-acl": "public-read"}), "a deny holds under every reading")
	assert.False(t, p.AllowsUnder(Request{Action: "name/cos:PutObject", Resource: res + "U/A/x", Headers: map[string]string{"content-type": "image/png"}}, Reading{}))
}
