package policy

import (
	"fmt"
	"strings"
)

// NameList is an allow-list of header or param names: case-insensitive,
// an entry ending in '*' matches by prefix, and "*" alone matches any name
// except the sensitive ones.
//
// Sensitive names (acl, x-cos-acl, x-cos-grant-*, x-cos-tagging, tagging)
// change who may read an object or what it is tagged with; they pass only
// when an entry names them specifically: an entry whose literal part starts
// with the sensitive name (such as "x-cos-acl" or "x-cos-grant-*"), never
// through "*" or "x-cos-*".
type NameList struct {
	exact    map[string]bool
	prefixes []string
	any      bool
}

// sensitive are the lower-case stems of the sensitive names; a stem ending
// in '-' is a family.
var sensitive = []string{"acl", "x-cos-acl", "x-cos-grant-", "x-cos-tagging", "tagging"}

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

// MustNameList is ParseNameList for the built-in defaults.
func MustNameList(list string) NameList {
	l, err := ParseNameList(list)
	if err != nil {
		panic(err)
	}
	return l
}

// Allows reports whether name may be signed.
func (l NameList) Allows(name string) bool {
	var buf [64]byte
	lower := name
	if hasUpper(name) {
		lower = string(appendLower(buf[:0], name))
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
		if lower == s || (strings.HasSuffix(s, "-") && strings.HasPrefix(lower, s)) {
			return s
		}
	}
	return ""
}

// DefaultHeaders are the headers callers may ask to sign when
// SIGN_ALLOWED_HEADERS is not set: the common upload and download ones.
const DefaultHeaders = "content-type,content-length,content-md5,content-disposition,content-encoding," +
	"cache-control,expires,range,if-match,if-none-match,if-modified-since,if-unmodified-since," +
	"x-cos-storage-class,x-cos-server-side-encryption*,x-cos-traffic-limit,x-cos-meta-*"

// DefaultParams are the params callers may ask to sign when
// SIGN_ALLOWED_PARAMS is not set: download overrides and multipart upload.
const DefaultParams = "response-*,partNumber,uploadId,uploads,versionId"

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// ContentTypes is SIGN_ALLOWED_CONTENT_TYPES: exact media types or "type/*"
// patterns, case-insensitive; empty means any.
type ContentTypes struct {
	exact    []string
	prefixes []string // "image/"
	any      bool
}

// ParseContentTypes reads a comma-separated list of media-type patterns.
func ParseContentTypes(list string) (ContentTypes, error) {
	var c ContentTypes
	for _, e := range strings.Split(list, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if e == "*" || e == "*/*" {
			c.any = true
			continue
		}
		typ, sub, ok := strings.Cut(e, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(typ, "*; \t") || strings.ContainsAny(sub, "; \t") ||
			(strings.Contains(sub, "*") && sub != "*") {
			return ContentTypes{}, fmt.Errorf("entry %q is not a media type or a type/* pattern", e)
		}
		if sub == "*" {
			c.prefixes = append(c.prefixes, typ+"/")
		} else {
			c.exact = append(c.exact, e)
		}
	}
	return c, nil
}

// Set says whether any restriction is configured.
func (c ContentTypes) Set() bool { return c.any || len(c.exact) > 0 || len(c.prefixes) > 0 }

// Allows reports whether a Content-Type value (parameters such as
// "; charset=utf-8" aside) matches.
func (c ContentTypes) Allows(v string) bool {
	if !c.Set() || c.any {
		return true
	}
	mt, _, _ := strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" {
		return false
	}
	for _, e := range c.exact {
		if mt == e {
			return true
		}
	}
	for _, p := range c.prefixes {
		if strings.HasPrefix(mt, p) {
			return true
		}
	}
	return false
}

// Single returns the one pattern when exactly one is configured: the exact
// type, or the prefix ("image/") of a type/* pattern; a POST policy can
// then bind it without the caller naming a type.
func (c ContentTypes) Single() (exact, prefix string, ok bool) {
	if c.any || len(c.exact)+len(c.prefixes) != 1 {
		return "", "", false
	}
	if len(c.exact) == 1 {
		return c.exact[0], "", true
	}
	return "", c.prefixes[0], true
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
