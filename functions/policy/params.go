package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/cos-signer/cos-signer/signer"
)

// A signature does not bind a param name's letter case: COS signs names
// lower-cased, so a URL signed for partNumber verifies with PARTNUMBER too.
// What COS then does with PARTNUMBER is its own reading, and the least
// favourable one (S3's) is that it matches names case-sensitively and
// ignores the others. So the policy decides on a param only by the exact
// spelling COS acts on, and refuses any other spelling of such a name
// (CheckParamName) instead of guessing which one COS reads.

// cosParams are the query params COS acts on, spelt as COS documents them
// and as the official SDKs send them (cos-nodejs-sdk-v5 and cos-js-sdk-v5:
// their qs and action names): operations and subresources, listing and
// multipart params. Each one's other letter cases are refused.
var cosParams = []string{
	// multipart uploads
	"uploads", "uploadId", "partNumber", "max-parts", "part-number-marker",
	// listings (GET Bucket, ListMultipartUploads, versions)
	"prefix", "delimiter", "marker", "max-keys", "encoding-type", "max-uploads", "key-marker",
	"upload-id-marker", "versions", "version-id-marker", "list-type", "continuation-token",
	// object operations and subresources
	"versionId", "acl", "tagging", "rename", "append", "position", "restore", "select", "select-type",
	"symlink", "torrent",
	// Cloud Infinite processing (see processing.go)
	"ci-process", "imageInfo", "exif",
	// bucket configuration
	"cors", "policy", "lifecycle", "website", "referer", "logging", "inventory", "versioning",
	"replication", "domain", "origin", "accelerate", "encryption", "location", "delete",
	"intelligenttiering", "object-lock",
}

// cosParamFamilies are name families COS spells in lower case only:
// response-content-type and its siblings override a download's headers,
// and x-cos-*/x-ci-* params (x-cos-security-token, x-cos-traffic-limit)
// are headers given as params.
var cosParamFamilies = []string{"response-", "x-cos-", "x-ci-"}

// ParamNameError is a param name the policy refuses to decide on; Name is
// the name as given.
type ParamNameError struct{ Name, Reason string }

func (e *ParamNameError) Error() string { return e.Reason }

// CheckParamName admits a param name only when the policy can read it as
// COS does: ASCII, and, when it is one of COS's params (or families) in
// some letter case, spelt exactly as COS spells it. A non-ASCII name is
// refused whatever it folds to: which Unicode case mappings (simple, full,
// Turkish, compatibility) a server applies is open-ended, and none of
// COS's names needs one.
func CheckParamName(name string) error {
	if !isASCII(name) {
		if canon := canonicalParam(foldName(name)); canon != "" {
			return &ParamNameError{name, fmt.Sprintf("param %s is not COS's spelling of %s: it folds to it under a Unicode case mapping, and COS reads param names as spelt; send %s", quote(name), canon, canon)}
		}
		return &ParamNameError{name, fmt.Sprintf("param %s is not ASCII: COS's param names are, and a non-ASCII name may fold to one of them under a case mapping the service cannot foresee", quote(name))}
	}
	if canon := canonicalParam(lowerASCII(name)); canon != "" && canon != name && !isFamilySpelling(name) {
		return &ParamNameError{name, fmt.Sprintf("param %s is not COS's spelling %s: COS reads param names case-sensitively and a signature does not bind their case, so the service signs only the exact spelling", quote(name), canon)}
	}
	return nil
}

// CheckParams is CheckParamName for every name of params.
func CheckParams(params map[string]string) error {
	for name := range params {
		if err := CheckParamName(name); err != nil {
			return err
		}
	}
	return nil
}

// HasParam reports whether params holds name exactly as spelt: the only
// spelling the policy decides on (see CheckParamName).
func HasParam(params map[string]string, name string) bool {
	_, ok := params[name]
	return ok
}

// paramNameFold is the spelling of name among the keys of m in any ASCII
// letter case ("" if absent): for checks that must see whatever spelling a
// caller chose (processing options), where the request's names have been
// held to COS's spellings by CheckParamName already.
func paramNameFold(m map[string]string, name string) string {
	lower := lowerASCII(name)
	for k := range m {
		if lowerASCII(k) == lower {
			return k
		}
	}
	return ""
}

// canonicalParam is COS's spelling of the param whose lower-cased (or
// folded) name is folded ("" when it is none of COS's): a cosParams entry,
// or, for a family, folded itself (families are spelt in lower case).
func canonicalParam(folded string) string {
	for _, p := range cosParams {
		if lowerASCII(p) == folded {
			return p
		}
	}
	for _, f := range cosParamFamilies {
		if strings.HasPrefix(folded, f) {
			return folded
		}
	}
	return ""
}

// isFamilySpelling: a family name spelt as COS spells it, in lower case.
func isFamilySpelling(name string) bool {
	return !hasUpper(name) && slices.ContainsFunc(cosParamFamilies, func(f string) bool { return strings.HasPrefix(name, f) })
}

// foldName maps each rune of name to ASCII where any case mapping Go knows
// takes it there (simple lower, upper and title case, the Turkish
// mappings, case-folding orbits: İ→i, ı→I, K (Kelvin)→k, ſ→s), and the
// Latin ligatures and ß by their full mappings (ﬁ→fi, ß→ss); other runes
// stay as they are. The result, lower-cased, is what a server applying
// some Unicode case mapping could take the name for.
func foldName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if full, ok := fullFold[r]; ok {
			b.WriteString(full)
			continue
		}
		b.WriteRune(asciiFold(r))
	}
	return lowerASCII(b.String())
}

// fullFold are the full case mappings (Unicode SpecialCasing) that end in
// ASCII letters; Go's unicode package has only the simple ones.
var fullFold = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
}

func asciiFold(r rune) rune {
	if r < utf8RuneSelf {
		return r
	}
	cands := []rune{unicode.ToLower(r), unicode.ToUpper(r), unicode.ToTitle(r),
		unicode.TurkishCase.ToLower(r), unicode.TurkishCase.ToUpper(r)}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		cands = append(cands, f)
	}
	for _, c := range cands {
		if c < utf8RuneSelf {
			return c
		}
	}
	return r
}

const utf8RuneSelf = 0x80

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	if !hasUpper(s) {
		return s
	}
	return string(signer.AppendLowerASCII(make([]byte, 0, len(s)), s))
}

// CheckHeaderName admits a header name only in ASCII: HTTP header names
// are tokens (RFC 9110), so a non-ASCII one is no header COS reads, and
// the policy, which matches header names in any ASCII letter case, would
// otherwise have to guess how it folds.
func CheckHeaderName(name string) error {
	if !isASCII(name) {
		return fmt.Errorf("header name %s is not ASCII: HTTP header names are ASCII tokens", quote(name))
	}
	return nil
}

// quote is name for a message: ASCII only (other runes as \u escapes, so
// the reader sees which one it was), cut at 80 bytes.
func quote(name string) string {
	q := fmt.Sprintf("%+q", name)
	if len(q) > 80 {
		q = q[:77] + "..."
	}
	return q
}
