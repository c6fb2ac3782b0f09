package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// SubPlaceholder in a key prefix is replaced by the caller's identity.
const SubPlaceholder = "{sub}"

// Prefix is one SIGN_KEY_PREFIXES entry, normalised: no leading or trailing
// '/', an optional "/*" or "*" suffix dropped, so "uploads/user1",
// "uploads/user1/" and "uploads/user1/*" all mean the folder uploads/user1.
// An empty prefix is the whole bucket.
type Prefix struct {
	before, after string // around {sub}
	hasSub        bool
}

// ParsePrefix checks and normalises one prefix entry.
func ParsePrefix(s string) (Prefix, error) {
	raw := s
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "*")
	s = strings.Trim(s, "/")
	if strings.Count(s, SubPlaceholder) > 1 {
		return Prefix{}, fmt.Errorf("prefix %q holds {sub} more than once", raw)
	}
	before, after, hasSub := strings.Cut(s, SubPlaceholder)
	// The fixed parts must themselves be clean keys, so that a prefix can
	// never admit a "..": check them with a stand-in identity.
	if s != "" {
		probe := before + "x" + after
		if !hasSub {
			probe = s
		}
		if n, err := NormalizeKey(probe); err != nil || n != probe || strings.ContainsAny(s, "*") {
			return Prefix{}, fmt.Errorf("prefix %q is not a clean key prefix (no '*' inside, no empty, \".\" or \"..\" segments)", raw)
		}
	}
	return Prefix{before: before, after: after, hasSub: hasSub}, nil
}

// String is the prefix as it reads in configuration and messages:
// "users/{sub}/", "public/", or "*" for the whole bucket.
func (p Prefix) String() string {
	if p.before == "" && !p.hasSub {
		return "*"
	}
	if p.hasSub {
		return p.before + SubPlaceholder + p.after + "/"
	}
	return p.before + "/"
}

// HasSub says whether the prefix needs the caller's identity.
func (p Prefix) HasSub() bool { return p.hasSub }

// Fill returns the folder the prefix names for the identity sub (which
// matters only when the prefix holds {sub}); ok is false when the prefix
// needs an identity and sub is not a usable one.
func (p Prefix) Fill(sub string) (string, bool) {
	if !p.hasSub {
		return p.before, true
	}
	if !ValidIdentity(sub) {
		return "", false
	}
	return p.before + sub + p.after, true
}

// Admits reports whether the normalised key lies inside the prefix's
// folder: a match only at a segment boundary, so uploads/user1 never admits
// uploads/user10/x. The folder's own marker ("uploads/user1/") is inside.
func (p Prefix) Admits(key, sub string) bool {
	if p.before == "" && !p.hasSub {
		return true
	}
	rest, ok := strings.CutPrefix(key, p.before)
	if !ok {
		return false
	}
	if p.hasSub {
		if !ValidIdentity(sub) {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, sub); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, p.after); !ok {
			return false
		}
	}
	return len(rest) > 0 && rest[0] == '/'
}

// ValidIdentity says whether an identity may fill {sub}: non-empty, at most
// 256 bytes of UTF-8, and nothing that could change the path ('/', '\\',
// '%', "." or "..", control characters).
func ValidIdentity(sub string) bool {
	if sub == "" || len(sub) > 256 || sub == "." || sub == ".." || !utf8.ValidString(sub) {
		return false
	}
	if strings.Contains(sub, "..") {
		return false
	}
	for _, r := range sub {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '/' || r == '\\' || r == '%' {
			return false
		}
	}
	return true
}

// Methods are the signing methods a policy knows.
var Methods = []string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"}

// Rule is one SIGN_KEY_PREFIXES entry: a prefix and, optionally, the methods
// allowed under it, written "public/=GET|HEAD" ('|' since ',' separates
// entries). Without methods, the prefix allows every method the service
// allows.
type Rule struct {
	Prefix
	methods []string // upper case; nil: any
}

// ParseRule reads "prefix" or "prefix=METHOD|METHOD…". A prefix holding '='
// is refused, so that an entry never means two things.
func ParseRule(s string) (Rule, error) {
	raw := s
	prefix, methods, hasMethods := strings.Cut(s, "=")
	p, err := ParsePrefix(prefix)
	if err != nil {
		return Rule{}, err
	}
	r := Rule{Prefix: p}
	if !hasMethods {
		return r, nil
	}
	for _, m := range strings.Split(methods, "|") {
		m = strings.ToUpper(strings.TrimSpace(m))
		if !slices.Contains(Methods, m) {
			return Rule{}, fmt.Errorf("entry %q: %q is not one of GET, HEAD, PUT, POST, DELETE, OPTIONS (methods are separated by '|', and a prefix holds no '=')", strings.TrimSpace(raw), m)
		}
		if !slices.Contains(r.methods, m) {
			r.methods = append(r.methods, m)
		}
	}
	return r, nil
}

// AllowsMethod reports whether the rule lets method (upper case) be signed
// under its prefix.
func (r Rule) AllowsMethod(method string) bool {
	return r.methods == nil || slices.Contains(r.methods, method)
}

// Methods are the rule's own methods; nil when it has none of its own.
func (r Rule) Methods() []string { return r.methods }

// String is the entry as configured, normalised.
func (r Rule) String() string {
	if r.methods == nil {
		return r.Prefix.String()
	}
	return r.Prefix.String() + "=" + strings.Join(r.methods, "|")
}

// KeyVerdict is what Rules.Check found.
type KeyVerdict int

const (
	// KeyAllowed: a rule admits the key and allows the method.
	KeyAllowed KeyVerdict = iota
	// KeyOutside: no rule admits the key.
	KeyOutside
	// KeyMethodRefused: rules admit the key, but none allows the method.
	KeyMethodRefused
)

// Rules is SIGN_KEY_PREFIXES; empty admits every key and method.
type Rules []Rule

// Check says whether a normalised, non-empty key may be signed for method
// by the caller sub: some rule must both admit the key (at a segment
// boundary) and allow the method. Nested rules never narrow one another:
// the most permissive admitting rule decides.
func (rs Rules) Check(key, sub, method string) KeyVerdict {
	if len(rs) == 0 {
		return KeyAllowed
	}
	v := KeyOutside
	for _, r := range rs {
		if !r.Admits(key, sub) {
			continue
		}
		if r.AllowsMethod(method) {
			return KeyAllowed
		}
		v = KeyMethodRefused
	}
	return v
}

// MethodsAt are the methods of allowed (SIGN_ALLOWED_METHODS) that sub may
// use on a normalised key: what Check admits, as a list (nil when the key
// lies outside every rule). For callers that grant rather than sign, such
// as /sts building a CAM policy.
func (rs Rules) MethodsAt(key, sub string, allowed []string) []string {
	var out []string
	for _, m := range allowed {
		if rs.Check(key, sub, m) == KeyAllowed {
			out = append(out, m)
		}
	}
	return out
}

// NeedsSub says whether any rule holds {sub}.
func (rs Rules) NeedsSub() bool {
	for _, r := range rs {
		if r.HasSub() {
			return true
		}
	}
	return false
}
