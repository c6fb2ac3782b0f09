package hostiletest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Response is a platform's answer, decoded from its response shape.
type Response struct {
	Status int
	Header map[string]string // any name case
	Body   []byte
}

// Check asserts that resp is what c expects on p. A case marked Bug is
// skipped while it still fails, and fails once it passes (so that the mark
// is removed with the fix).
func Check(t testing.TB, c Case, p Platform, resp Response) {
	t.Helper()
	problems := Mismatches(c, p, resp)
	if c.Bug != "" {
		if len(problems) > 0 {
			t.Skipf("core bug: %s (still failing: %s)", c.Bug, strings.Join(problems, "; "))
		}
		t.Errorf("case is marked as a core bug (%s) but passes now: remove the mark", c.Bug)
		return
	}
	assert.Empty(t, problems, "%s %s on %s", c.Request.Method, c.Request.Path, p.Name)
}

// Mismatches lists how resp differs from what c expects on p, and any
// secret that leaked into the answer; empty means the case holds.
func Mismatches(c Case, p Platform, resp Response) []string {
	want := c.ExpectOn(p)
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	body := clip(resp.Body)

	if resp.Status != want.Status {
		bad("status %d, want %d (body %s)", resp.Status, want.Status, body)
	}
	if want.Status >= 400 {
		var e struct {
			Error *struct {
				Code, Message, RequestID string
			} `json:"error"`
		}
		switch err := json.Unmarshal(resp.Body, &e); {
		case err != nil || e.Error == nil:
			bad("the body is not an error object: %s", body)
		default:
			if e.Error.Code != want.Code {
				bad("code %q, want %q (message %q)", e.Error.Code, want.Code, e.Error.Message)
			}
			if e.Error.Message == "" {
				bad("the error has no message")
			}
		}
	}
	if want.Entries != nil {
		var b struct {
			Results []struct {
				Error *struct{ Code string } `json:"error"`
			} `json:"results"`
		}
		if err := json.Unmarshal(resp.Body, &b); err != nil {
			bad("the batch answer is not JSON: %s", body)
		}
		got := make([]string, len(b.Results))
		for i, r := range b.Results {
			if r.Error != nil {
				got[i] = r.Error.Code
			}
		}
		if strings.Join(got, ",") != strings.Join(want.Entries, ",") || len(got) != len(want.Entries) {
			bad("batch entry codes %q, want %q", got, want.Entries)
		}
	}
	for _, h := range want.AbsentHeaders {
		if v, ok := headerValue(resp.Header, h); ok {
			bad("header %s is set (%q)", h, v)
		}
	}
	for k, v := range resp.Header {
		if strings.ContainsAny(k+v, "\r\n\x00") {
			bad("response header %q: %q holds CR, LF or NUL", k, v)
		}
	}
	for _, s := range answerSecrets(c, resp.Status) {
		if strings.Contains(string(resp.Body), s) {
			bad("the answer holds a secret (%s…)", s[:min(6, len(s))])
		}
		for k, v := range resp.Header {
			if strings.Contains(v, s) {
				bad("response header %s holds a secret (%s…)", k, s[:min(6, len(s))])
			}
		}
	}
	return out
}

// answerSecrets may never appear in an answer: the secret key, the JWT
// secret and the CDN key never, and in a refusal not the session token nor the caller's
// token either.
func answerSecrets(c Case, status int) []string {
	s := []string{SecretKey, JWTSecret, CDNKey}
	if status >= 400 {
		s = append(s, SessionToken, url.QueryEscape(SessionToken))
		s = append(s, CallerTokens(c.Request)...)
	}
	return s
}

// CallerTokens are the tokens a request carries (Authorization and
// X-Auth-Token values, without the scheme), when long enough to be
// recognised in logs.
func CallerTokens(r Request) []string {
	var out []string
	for k, v := range r.Header {
		if !strings.EqualFold(k, "authorization") && !strings.EqualFold(k, "x-auth-token") {
			continue
		}
		if scheme, rest, ok := strings.Cut(v, " "); ok && (strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
			v = rest
		}
		if v = strings.TrimSpace(v); len(v) >= 16 {
			out = append(out, v)
		}
	}
	return out
}

func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
