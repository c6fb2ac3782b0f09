package policy

import (
	"fmt"
	"strings"

	"github.com/cos-signer/cos-signer/signer"
)

// NameList is an allow-list of header or param names: case-insensitive,
// an entry ending in '*' matches by prefix, and "*" alone matches any name
// except the sensitive ones.
//
// Sensitive names change who may read an object, what it is tagged with,
// or reach another object than the one signed: ACLs and grants, tagging,
// copy and rename sources (which read another key with the service's
// credential), the metadata directive and website redirect of a copy,
// Pic-Operations (which writes processed images to keys of its own) and
// x-cos-callback (COS calls a URL of the caller's choosing). Each pass only
// when an entry names it specifically: an entry whose literal part starts
// with the sensitive name (such as "x-cos-acl" or "x-cos-copy-source*"),
// never through "*" or "x-cos-*".
type NameList struct {
	exact    map[string]bool
	prefixes []string
	any      bool
}

// sensitive are the lower-case stems of the sensitive names; each also
// covers its "-" family (x-cos-grant-read, x-cos-copy-source-range).
var sensitive = []string{
	"acl", "x-cos-acl", "x-cos-grant", "x-cos-tagging", "tagging",
	"x-cos-copy-source", "x-cos-rename-source", "x-cos-metadata-directive", "x-cos-website-redirect-location",
	"pic-operations", "x-cos-callback",
}

// ParseNameList reads a comma-separated list.
func ParseNameList(list string) (NameList, error) {
	l := NameList{exact: map[string]bool{}}
	for _, e := range strings.Split(list, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if e == "*" {
			l.any = true
			continue
		}
		lit, wild := strings.CutSuffix(e, "*")
		if strings.ContainsAny(lit, "*: \t\r\n") {
			return NameList{}, fmt.Errorf("entry %q: '*' may only end a name, and names hold no spaces or ':'", e)
		}
		if wild {
			l.prefixes = append(l.prefixes, lit)
		} else {
			l.exact[lit] = true
		}
	}
	return l, nil
}

// Allows reports whether name may be signed.
func (l NameList) Allows(name string) bool {
	var buf [64]byte
	lower := name
	if hasUpper(name) {
		lower = string(signer.AppendLowerASCII(buf[:0], name))
	}
	stem := sensitiveStem(lower)
	if l.exact[lower] {
		return true
	}
	for _, p := range l.prefixes {
		if strings.HasPrefix(lower, p) && (stem == "" || strings.HasPrefix(p, stem)) {
			return true
		}
	}
	return l.any && stem == ""
}

func sensitiveStem(lower string) string {
	for _, s := range sensitive {
		if rest, ok := strings.CutPrefix(lower, s); ok && (rest == "" || rest[0] == '-') {
			return s
		}
	}
	return ""
}

// Sensitive reports whether a header or param name is one of the sensitive
// names (see NameList).
func Sensitive(name string) bool { return sensitiveStem(lowerASCII(name)) != "" }

// DefaultHeaders are the headers callers may ask to sign when
// SIGN_ALLOWED_HEADERS is not set: the common upload and download ones, and
// what the official SDKs add on their own: x-cos-sdk-retry on a retry,
// Expect (100-continue) on wx part uploads; x-cos-forbid-overwrite and
// x-cos-mime-limit only make COS refuse more.
const DefaultHeaders = "content-type,content-length,content-md5,content-disposition,content-encoding," +
	"cache-control,expires,range,if-match,if-none-match,if-modified-since,if-unmodified-since,expect," +
	"x-cos-storage-class,x-cos-server-side-encryption*,x-cos-traffic-limit,x-cos-meta-*," +
	"x-cos-forbid-overwrite,x-cos-sdk-retry,x-cos-mime-limit"

// DefaultParams are the params callers may ask to sign when
// SIGN_ALLOWED_PARAMS is not set: download overrides, multipart upload and
// its part listing (what the SDKs' uploadFile sends when it resumes).
const DefaultParams = "response-*,partNumber,uploadId,uploads,versionId,max-parts,part-number-marker,encoding-type"

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// Extensions is SIGN_ALLOWED_EXTENSIONS; empty means any.
type Extensions map[string]bool

// ParseExtensions reads a comma-separated list such as "jpg,png,.webp".
func ParseExtensions(list string) (Extensions, error) {
	e := Extensions{}
	for _, x := range strings.Split(list, ",") {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		n, ok := NormalizeExt(x)
		if !ok {
			return nil, fmt.Errorf("entry %q is not an extension (1-16 letters or digits)", x)
		}
		e[n] = true
	}
	return e, nil
}

// Allows reports whether a normalised extension may be used; with no list,
// any extension (or none) may.
func (e Extensions) Allows(ext string) bool { return len(e) == 0 || e[ext] }
