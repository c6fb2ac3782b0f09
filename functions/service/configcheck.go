package service

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/signer"
)

// The checks below catch, at start, values that the signer would accept
// and turn into URLs that cannot work (a host as region, a bucket without
// its APPID), so that a wrong deployment fails where it is configured
// rather than at the client. Each returns an error without the variable's
// name; LoadConfig adds it.

// checkRegion admits a COS region name (signer.Regions, or a legacy name
// or alias of one).
func checkRegion(r string) error {
	if signer.KnownRegion(r) {
		return nil
	}
	if strings.Contains(r, ".") {
		return fmt.Errorf("%q is a host, not a region: give the region alone (such as ap-guangzhou), and put a host (an accelerate or private endpoint) in COS_ENDPOINT", r)
	}
	msg := fmt.Sprintf("%q is not a COS region", r)
	if near := nearestRegion(r); near != "" {
		msg += fmt.Sprintf(": did you mean %s?", near)
	} else {
		msg += " (such as ap-guangzhou, ap-shanghai, ap-beijing, ap-hongkong)"
	}
	return fmt.Errorf("%s (a region this service does not list yet is reached with COS_ENDPOINT=cos.<region>.myqcloud.com)", msg)
}

// nearestRegion is the region of signer.Regions that name most likely meant (a
// typo, or a city without its area: "guangzhou"), or "" when none is close.
func nearestRegion(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	best, bestDist := "", 4 // more than three edits is not a typo
	for _, r := range signer.Regions {
		if len(n) > 2 && strings.HasSuffix(r, "-"+n) {
			return r
		}
		if d := editDistance(n, r); d < bestDist {
			best, bestDist = r, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkBucket admits a COS bucket as COS names it in URLs: name-APPID, in
// lower-case letters, digits and '-', such as examplebucket-1250000000.
func checkBucket(b string) error {
	name, appid, ok := cutLast(b, "-")
	valid := ok && name != "" && len(b) <= 60 && len(appid) >= 5 && len(appid) <= 12 &&
		strings.Trim(appid, "0123456789") == "" && name[0] != '-' && !strings.HasSuffix(name, "-") &&
		strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
	if !valid {
		return fmt.Errorf("%q is not a bucket as COS names it: name-APPID in lower case (such as examplebucket-1250000000; the console's bucket list shows the full name)", b)
	}
	return nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// checkOrigin admits "*" or a browser origin: scheme://host[:port], nothing
// after it, no wildcard inside (a browser never sends one).
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	bad := fmt.Errorf("%q is not an origin: give scheme://host[:port] (such as https://app.example.com), with no path, or * alone for any origin", o)
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.HasSuffix(o, "#") {
		return bad
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("%q holds a wildcard: list each origin, or * alone for any origin", o)
	}
	if !tokenLike(o, ":/.-[]") {
		return bad
	}
	return nil
}

// keyPrefixes reads SIGN_KEY_PREFIXES: rules each within
// SIGN_ALLOWED_METHODS; "*" is the whole bucket.
func keyPrefixes(raw string, methods []string) (policy.Rules, error) {
	var rules policy.Rules
	for _, p := range splitList(raw) {
		r, err := policy.ParseRule(p)
		if err != nil {
			return nil, fmt.Errorf("SIGN_KEY_PREFIXES: %v", err)
		}
		for _, m := range r.Methods() {
			if !slices.Contains(methods, m) {
				return nil, fmt.Errorf("SIGN_KEY_PREFIXES: %s allows %s, which SIGN_ALLOWED_METHODS (%s) does not", r.Prefix, m, strings.Join(methods, ","))
			}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// prefixesForAuth refuses authenticated callers without key prefixes:
// every caller could then sign every key, including each other's. The
// whole bucket must be asked for by name.
func prefixesForAuth(raw, mode string) error {
	if strings.TrimSpace(raw) != "" || mode == auth.ModeNone {
		return nil
	}
	return fmt.Errorf("SIGN_KEY_PREFIXES is empty with AUTH_MODE=%s, which would let every caller sign any key, each other's included: set users/{sub}/ (a folder per caller) or * (the whole bucket, for every caller)", mode)
}
