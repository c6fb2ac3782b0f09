package policy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shared processing vectors (signer/testdata, from the official SDKs):
// each case's params are what an SDK signs for it.
func processingVectors(t *testing.T) map[string]map[string]string {
	b, err := os.ReadFile("../../signer/testdata/cos-processing-vectors.json")
	require.NoError(t, err)
	var f struct {
		Vectors []struct {
			ID    string `json:"id"`
			Input struct {
				Params map[string]string `json:"params"`
			} `json:"input"`
		} `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(b, &f))
	out := map[string]map[string]string{}
	for _, v := range f.Vectors {
		out[v.ID] = v.Input.Params
	}
	require.Len(t, out, 13)
	return out
}

func TestProcessingOfTheVectors(t *testing.T) {
	want := map[string]Family{
		"ci-thumbnail": FamilyImage, "ci-thumbnail-trailing-slash": FamilyImage, "ci-imageview2": FamilyImage,
		"ci-pipeline-watermark-text": FamilyImage, "ci-watermark-image": FamilyImageWatermark,
		"ci-imageinfo": FamilyInfo, "ci-exif": FamilyInfo, "ci-snapshot": FamilySnapshot,
		"ci-doc-preview-png": FamilyDocPreview, "ci-doc-preview-html": FamilyDocHTML, "ci-origin-image": FamilyOrigin,
		"ci-unicode-key-crop": FamilyImage, "ci-thumbnail-with-response-type": FamilyImage,
	}
	for id, params := range processingVectors(t) {
		t.Run(id, func(t *testing.T) {
			p, err := ProcessingOf(params)
			require.Nil(t, err)
			require.NotNil(t, p)
			assert.Equal(t, []Family{want[id]}, p.Families)
			// Every param is the processing's, but the download override.
			for name, v := range params {
				if strings.HasPrefix(name, "response-") {
					assert.NotContains(t, p.Params, name)
				} else {
					assert.Equal(t, v, p.Params[name], name)
				}
			}
		})
	}
}

func TestProcessingText(t *testing.T) {
	p, err := ProcessingOf(map[string]string{"ci-process": "snapshot", "time": "1", "format": "jpg", "response-content-type": "image/jpeg"})
	require.Nil(t, err)
	assert.Equal(t, "ci-process=snapshot&format=jpg&time=1", p.Text)
	p, err = ProcessingOf(map[string]string{"imageMogr2/thumbnail/200x": ""})
	require.Nil(t, err)
	assert.Equal(t, "imageMogr2/thumbnail/200x", p.Text)
	p, err = ProcessingOf(map[string]string{"response-content-type": "image/jpeg", "time": "3"})
	assert.Nil(t, err)
	assert.Nil(t, p, "time without ci-process is an ordinary param")
}

func TestParseProcess(t *testing.T) {
	cases := map[string]map[string]string{
		"imageMogr2/thumbnail/200x":   {"imageMogr2/thumbnail/200x": ""},
		" ?imageView2/1/w/200/h/200 ": {"imageView2/1/w/200/h/200": ""},
		"imageMogr2/thumbnail/!50p|watermark/2/text/5pWw5o2u5LiH6LGh/fill/I0ZGRkZGRg==": {"imageMogr2/thumbnail/!50p|watermark/2/text/5pWw5o2u5LiH6LGh/fill/I0ZGRkZGRg==": ""},
		"ci-process=snapshot&time=1&format=jpg":                                         {"ci-process": "snapshot", "time": "1", "format": "jpg"},
		"CI-Process=doc-preview&dstType=png&page=2":                                     {"CI-Process": "doc-preview", "dstType": "png", "page": "2"},
	}
	for in, want := range cases {
		got, err := ParseProcess(in)
		require.Nil(t, err, in)
		assert.Equal(t, want, got, in)
		_, perr := ProcessingOf(got)
		assert.Nil(t, perr, in)
	}
	for in, msg := range map[string]string{
		"":                                   "empty",
		"ci-process=snapshot&time=1&time=2":  "more than once",
		"ci-process=snapshot&time=1&TIME=1":  "letter case",
		"ci-process=snapshot&time=%zz":       "not a query",
		strings.Repeat("imageMogr2/a/", 100): "maximum",
	} {
		_, err := ParseProcess(in)
		require.NotNil(t, err, in)
		assert.Contains(t, err.Error(), msg, in)
	}
}

func TestProcessingRefusals(t *testing.T) {
	pipe := func(s string) map[string]string { return map[string]string{s: ""} }
	cases := []struct {
		name   string
		params map[string]string
		msg    string
	}{
		{"ignore-error", pipe("imageMogr2/thumbnail/200x/ignore-error/1"), "ignore-error"},
		{"ignore-error re-cased", pipe("imageMogr2/IGNORE-Error/1"), "ignore-error"},
		{"ignore-error in a later stage", pipe("imageView2/1/w/200|imageMogr2/ignore-error/1"), "ignore-error"},
		{"eleven stages", pipe(strings.TrimSuffix(strings.Repeat("imageMogr2/strip|", 11), "|")), "stages"},
		{"too long", pipe("imageMogr2/" + strings.Repeat("a", MaxProcessingLength)), "maximum"},
		{"empty stage", pipe("imageMogr2/strip||imageInfo"), "empty stage"},
		{"trailing bar", pipe("imageMogr2/strip|"), "empty stage"},
		{"unknown operation", pipe("imageSlim/x"), "not one this service signs"},
		{"no operation", pipe("imageMogr2/"), "no operation"},
		{"watermark 4", pipe("watermark/4/text/eA"), "watermark/4"},
		{"imageInfo with options", pipe("imageInfo/x"), "no options"},
		{"a space", pipe("imageMogr2/thumbnail/200x 1"), "printable"},
		{"an ampersand", pipe("imageMogr2/thumbnail/200x&x"), "printable"},
		{"a percent", pipe("imageMogr2/thumbnail/%32"), "printable"},
		{"unicode", pipe("imageMogr2/猫"), "printable"},
		{"a value", map[string]string{"imageMogr2/thumbnail/200x": "1"}, "empty value"},
		{"two pipelines", map[string]string{"imageMogr2/strip": "", "imageInfo": ""}, "one processing"},
		{"pipeline and ci-process", map[string]string{"imageMogr2/strip": "", "ci-process": "originImage"}, "one processing"},
		{"pm3u8", map[string]string{"ci-process": "pm3u8", "expires": "43200"}, "12 hours"},
		{"unknown ci-process", map[string]string{"ci-process": "AISuperResolution"}, "not one this service signs"},
		{"snapshot without time", map[string]string{"ci-process": "snapshot"}, "needs time"},
		{"snapshot bad time", map[string]string{"ci-process": "snapshot", "time": "1e9"}, "time"},
		{"snapshot bad format", map[string]string{"ci-process": "snapshot", "time": "1", "format": "svg"}, "format"},
		{"doc-preview svg", map[string]string{"ci-process": "doc-preview", "dstType": "svg"}, "dstType"},
		{"html option on png", map[string]string{"ci-process": "doc-preview", "dstType": "png", "htmlParams": "e30"}, "dstType=html only"},
		{"html option by default jpg", map[string]string{"ci-process": "doc-preview", "copyable": "1"}, "dstType=html only"},
		{"imageParams with ignore-error", map[string]string{"ci-process": "doc-preview", "ImageParams": "imageMogr2/ignore-error/1"}, "ignore-error"},
		{"imageParams with an image watermark", map[string]string{"ci-process": "doc-preview", "ImageParams": "watermark/1/image/aHR0cA"}, "basic image processing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ProcessingOf(c.params)
			require.NotNil(t, err, "%+v", p)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

func TestFamilies(t *testing.T) {
	def, err := ParseFamilies(DefaultProcessing)
	require.NoError(t, err)
	assert.Equal(t, "image", def.String())

	star, err := ParseFamilies("*")
	require.NoError(t, err)
	assert.Equal(t, "image,snapshot,doc-preview", star.String(), "the dangerous families never come with *")
	for _, f := range []Family{FamilyInfo, FamilyImageWatermark, FamilyDocHTML, FamilyOrigin} {
		assert.Equal(t, f, star.Missing([]Family{FamilyImage, f}))
	}

	named, err := ParseFamilies(" *, Doc-HTML ,origin")
	require.NoError(t, err)
	assert.Equal(t, "image,snapshot,doc-preview,doc-html,origin", named.String())
	assert.Equal(t, Family(""), named.Missing([]Family{FamilyDocHTML, FamilyImage}))

	none, err := ParseFamilies("none")
	require.NoError(t, err)
	assert.Equal(t, "none", none.String())
	assert.Equal(t, FamilyImage, none.Missing([]Family{FamilyImage}))

	for in, msg := range map[string]string{"images": "not a processing family", "pm3u8": "12 hours", "image,exif": "not a processing family"} {
		_, err := ParseFamilies(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), msg, in)
	}
}

// FuzzProcessingOf: any params are parsed or refused, never a panic; what
// passes carries no ignore-error in any letter case, signs only params it
// was given, and needs at least one family.
func FuzzProcessingOf(f *testing.F) {
	for _, s := range []string{"imageMogr2/thumbnail/200x", "imageInfo", "watermark/1/image/aHR0cA|imageMogr2/strip",
		"ci-process=doc-preview&dstType=html&htmlParams=e30", "ci-process=snapshot&time=1.5", "imageMogr2/ignore-error/1", "|", "ci-process=pm3u8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		params, err := ParseProcess(text)
		if err != nil {
			return
		}
		p, err := ProcessingOf(params)
		if err != nil || p == nil {
			return
		}
		if len(p.Families) == 0 {
			t.Fatalf("%q: no family", text)
		}
		for name, v := range p.Params {
			if params[name] != v {
				t.Fatalf("%q: signs %q=%q, which it was not given", text, name, v)
			}
			// Pipelines: a name, or doc-preview's imageParams value.
			pipe := name
			if strings.EqualFold(name, "imageParams") {
				pipe = v
			}
			if IsPipelineName(name) || strings.EqualFold(name, "imageParams") {
				for _, seg := range strings.FieldsFunc(pipe, func(r rune) bool { return r == '/' || r == '|' }) {
					if strings.EqualFold(seg, "ignore-error") {
						t.Fatalf("%q passed with ignore-error", text)
					}
				}
			}
		}
	})
}

// TestProcessingNoTypedNil: no processing, or a valid one, is a nil error
// even held in an error variable (a nil *ProcessingError would not be).
func TestProcessingNoTypedNil(t *testing.T) {
	var err error
	_, err = ProcessingOf(map[string]string{"response-content-type": "image/jpeg"})
	assert.NoError(t, err)
	_, err = ProcessingOf(map[string]string{"imageMogr2/thumbnail/200x": ""})
	assert.NoError(t, err)
	_, err = ParseProcess("imageMogr2/thumbnail/200x")
	assert.NoError(t, err)
	_, err = ProcessingOf(map[string]string{"imageMogr2/ignore-error/1": ""})
	var pe *ProcessingError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Reason, "ignore-error")
}
