package sts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/signer"
)

// MaxScopeItems is the most Scope items one request may name.
const MaxScopeItems = 20

// ScopeItem is one entry of a scope-form request, as cos-js-sdk-v5 and
// cos-wx-sdk-v5 send their getAuthorization options' Scope.
type ScopeItem struct {
	Action string `json:"action"`
	Bucket string `json:"bucket"`
	Region string `json:"region"`
	Prefix string `json:"prefix"`
}

// Rules are what the service's key policy says, for checking scope items:
// the region, which buckets a request may name, and the grant the key
// policy derives at a normalised key or folder (ok false when it lies
// outside every prefix the caller may use).
type Rules struct {
	Region        string
	BucketAllowed func(bucket string) bool
	GrantAt       func(bucket, path string) (g Grant, ok bool)
}

// ScopeError refuses a scope item: Item is its index, Reason a sentence.
type ScopeError struct {
	Item   int
	Reason string
}

func (e *ScopeError) Error() string { return fmt.Sprintf("Scope[%d]: %s", e.Item, e.Reason) }

// CheckScope checks every item (any bad item refuses the whole request, so
// nothing is asked of STS) and returns the bucket and the grants: one per
// path, with exactly the actions the items name there. All items must name one bucket.
func CheckScope(items []ScopeItem, r Rules) (bucket string, grants []Grant, err error) {
	var named [][]string // per grant, the actions its items name
	if len(items) == 0 {
		return "", nil, &ScopeError{0, "Scope is empty"}
	}
	if len(items) > MaxScopeItems {
		return "", nil, &ScopeError{MaxScopeItems, fmt.Sprintf("Scope holds %d items; the most is %d", len(items), MaxScopeItems)}
	}
	for i, it := range items {
		fail := func(format string, args ...any) (string, []Grant, error) {
			return "", nil, &ScopeError{i, fmt.Sprintf(format, args...)}
		}
		if !KnownAction(it.Action) {
			return fail("action %s is not one this service vends (such as name/cos:PutObject)", quote(it.Action))
		}
		if it.Bucket == "" || !r.BucketAllowed(it.Bucket) {
			return fail("bucket %s is not an allowed bucket", quote(it.Bucket))
		}
		if bucket != "" && !strings.EqualFold(bucket, it.Bucket) {
			return fail("bucket %s differs from Scope[0]'s: one request vends credentials for one bucket", quote(it.Bucket))
		}
		bucket = it.Bucket
		if signer.CanonicalRegion(it.Region) != r.Region {
			return fail("region %s is not the configured region %s", quote(it.Region), r.Region)
		}
		path, why := scopePath(it.Prefix)
		if why != "" {
			return fail("prefix %s %s", quote(it.Prefix), why)
		}
		// A folder is checked by its marker: the folder itself must lie
		// inside the caller's prefixes, at a segment boundary.
		g, ok := r.GrantAt(bucket, path)
		if !ok {
			return fail("prefix %s is outside the caller's prefixes", quote(it.Prefix))
		}
		if !slices.Contains(g.Actions, it.Action) {
			return fail("action %s is not allowed at prefix %s", it.Action, quote(it.Prefix))
		}
		// Items on one path merge into one grant holding exactly the
		// actions they name.
		j := slices.IndexFunc(grants, func(x Grant) bool { return x.Path == path })
		if j < 0 {
			grants, named = append(grants, g), append(named, nil)
			j = len(grants) - 1
		}
		if !slices.Contains(named[j], it.Action) {
			named[j] = append(named[j], it.Action)
		}
	}
	for i := range grants {
		grants[i] = grants[i].Narrow(named[i])
	}
	return bucket, grants, nil
}

// scopePath normalises a scope prefix exactly like a key: "dir/" and
// "dir/*" become the folder "dir/", anything else one exact key.
func scopePath(prefix string) (string, string) {
	p := strings.TrimSuffix(prefix, "*")
	if p != prefix && !strings.HasSuffix(p, "/") {
		return "", "may end in '*' only as \"/*\""
	}
	key, err := policy.NormalizeKey(p)
	if err != nil {
		return "", "is not a usable key: " + err.Error()
	}
	if why := BadPath(key); why != "" {
		return "", "cannot be granted: " + why
	}
	return key, ""
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}
