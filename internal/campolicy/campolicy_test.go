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
