package service

import (
	"strconv"
	"sync"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/sts"
)

// The CAM policy /sts vends is a pure function of the configuration and
// of what the caller asks for: the caller (subject, and whether it is
// anonymous), the form and its inputs (the bucket, or the scope items as
// sent), and whether the service's keys carry a session token (the
// signing check reads it). Deriving it probes the key policy action by
// action, ~0.3 ms and over a thousand allocations, so a warm instance
// derives it once per distinct input and reuses it; the key form, whose
// key is new every time, is derived per request. Only derived policies
// are kept: a refusal is derived again.

// maxMemoPolicies bounds the policies one instance keeps (the scope
// form's items can name a new key per request).
const maxMemoPolicies = 1000

// derived is one memoised derivation: the bucket the request resolved to
// and its policy, which nothing changes once built.
type derived struct {
	bucket string
	policy *sts.Policy
}

type policyMemo struct {
	mu sync.Mutex
	m  map[string]derived
}

func (m *policyMemo) get(key string) (derived, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.m[key]
	return d, ok
}

func (m *policyMemo) put(key string, d derived) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= maxMemoPolicies {
		// Start again: a caller that asks again derives once more.
		m.m = make(map[string]derived)
	}
	m.m[key] = d
}

// memoKey names a derivation by everything it depends on beside the
// configuration: the form, the caller, the keys' session token, and the
// form's inputs (the bucket, or the scope items as sent), each
// length-prefixed so that no two lists of parts give one key.
func (s *Service) memoKey(form string, id *auth.Identity, parts ...string) string {
	sub, caller := "", "anonymous"
	if id != nil {
		sub, caller = id.Subject, "caller"
	}
	token := "no-token"
	if s.keys.current().creds.SessionToken != "" {
		token = "token"
	}
	b := make([]byte, 0, 128)
	for _, p := range append([]string{form, caller, sub, token}, parts...) {
		b = strconv.AppendInt(b, int64(len(p)), 10)
		b = append(b, ':')
		b = append(b, p...)
	}
	return string(b)
}

// scopeParts are the scope items as sent, in order.
func scopeParts(items []sts.ScopeItem) []string {
	out := make([]string, 0, 4*len(items))
	for _, it := range items {
		out = append(out, it.Action, it.Bucket, it.Region, it.Prefix)
	}
	return out
}
