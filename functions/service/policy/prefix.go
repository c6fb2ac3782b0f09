package policy

import (
	"fmt"
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
