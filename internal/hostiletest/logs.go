package hostiletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer collects log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RunLogSecrets runs the whole hostile table and the successful requests
// through p's handler with every log line captured (the service's and the
// adapter's logger, at debug level, and slog's default, which the log
// package writes through), then asserts that no secret appears in the log:
// not the secret key, the session token, the JWT secret, any signature or
// Authorization value an answer carried, nor any caller token, nor the CDN
// key or a CDN URL's hash. Every line
// must be JSON with a request id; each request's line names its route and
// decision.
func RunLogSecrets(t *testing.T, p Platform, build Builder) {
	buf := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prev := slog.Default()
	slog.SetDefault(logger)
	defer slog.SetDefault(prev)

	s := &servers{t: t, build: build, logger: logger, byEnv: map[string]Server{}}
	secrets := newSecretSet(SecretKey, SessionToken, JWTSecret, CDNKey)
	served, adapterRefused, signatures := 0, 0, 0
	successes := Successes(t)
	all := append(Cases(t), successes...)
	for i, c := range all {
		resp, ok := serve(t, s.get(c.Env), c.Request)
		if !ok {
			continue
		}
		if i >= len(all)-len(successes) {
			require.Equal(t, c.Expect.Status, resp.Status, "%s: %s", c.Name, resp.Body)
		}
		for _, tok := range CallerTokens(c.Request) {
			secrets.add(tok)
			if i := strings.LastIndexByte(tok, '.'); i >= 0 && len(tok)-i > 16 {
				secrets.add(tok[i+1:]) // a JWT's signature on its own
			}
		}
		signatures += secrets.addFromAnswer(resp)
		if errorCode(resp.Body) == "InvalidEvent" {
			adapterRefused++
		} else {
			served++
		}
	}
	require.Greater(t, signatures, 20, "the successful requests must have produced signatures to look for")

	log := buf.String()
	require.NotEmpty(t, log)
	problems, requests := LogProblems(log, secrets.list())
	assert.Empty(t, problems, "%s: the log breaks its guarantees", p.Name)
	assert.Equal(t, served, requests, "%s: one request line per request that reached the service", p.Name)
	t.Logf("%s: %d requests (%d refused by the adapter), %d log lines, %d secrets looked for", p.Name, served+adapterRefused,
		adapterRefused, strings.Count(log, "\n"), len(secrets.list()))
}

// LogProblems checks captured log output: no secret in any form, every
// line JSON with a requestId, every request line with a route, a path and
// a decision that fits its status (a 401 with its reason). It returns what is wrong and how many
// request lines there are.
func LogProblems(log string, secrets []string) (problems []string, requests int) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, sec := range secrets {
		if i := strings.Index(log, sec); i >= 0 {
			start := strings.LastIndexByte(log[:i], '\n') + 1
			bad("the log holds a secret (%s…) in the line %s", sec[:min(8, len(sec))], clip([]byte(log[start:])))
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			bad("a log line is not JSON: %s", clip([]byte(line)))
			continue
		}
		if id, _ := rec["requestId"].(string); id == "" {
			bad("a log line without requestId: %s", clip([]byte(line)))
		}
		if rec["msg"] != "request" {
			continue
		}
		requests++
		if _, ok := rec["route"].(string); !ok {
			bad("a request line without route: %s", clip([]byte(line)))
		}
		if _, ok := rec["path"].(string); !ok {
			bad("a request line without path: %s", clip([]byte(line)))
		}
		status, _ := rec["status"].(float64)
		decision, _ := rec["decision"].(string)
		switch want := decisionFor(status); {
		case decision == "":
			bad("a request line without a decision: %s", clip([]byte(line)))
		case decision != want:
			bad("a request with status %v is %q, not %q: %s", status, decision, want, clip([]byte(line)))
		case decision != "allowed":
			if c, _ := rec["code"].(string); c == "" {
				bad("a refusal without its code: %s", clip([]byte(line)))
			}
			if r, _ := rec["reason"].(string); status == 401 && r == "" {
				bad("a 401 without its reason: %s", clip([]byte(line)))
			}
		}
	}
	return problems, requests
}

// decisionFor is the decision a request line with this status carries:
// malformed input is told apart from the policy's refusals.
func decisionFor(status float64) string {
	switch {
	case status < 400:
		return "allowed"
	case status == 401:
		return "unauthenticated"
	case status == 403:
		return "refused"
	case status >= 500:
		return "error"
	}
	return "invalid"
}

// secretSet holds the secrets to look for, each in the forms it could be
// written in: raw, URL-encoded and JSON-escaped.
type secretSet struct{ m map[string]bool }

func newSecretSet(s ...string) *secretSet {
	set := &secretSet{m: map[string]bool{}}
	for _, x := range s {
		set.add(x)
	}
	return set
}

func (s *secretSet) add(x string) {
	if len(x) < 16 {
		return
	}
	s.m[x] = true
	s.m[url.QueryEscape(x)] = true
	s.m[url.PathEscape(x)] = true
	if b, err := json.Marshal(x); err == nil {
		s.m[string(b[1:len(b)-1])] = true
	}
}

func (s *secretSet) list() []string {
	out := make([]string, 0, len(s.m))
	for x := range s.m {
		out = append(out, x)
	}
	return out
}

var (
	hex40       = regexp.MustCompile(`[0-9a-f]{40}`)
	cdnHash     = regexp.MustCompile(`(?:sign=|-0-|/)([0-9a-f]{32})(?:[/&"\n]|$)`)
	authorValue = regexp.MustCompile(`"(?i:authorization)"\s*:\s*"([^"]+)"`)
	stsSecret   = regexp.MustCompile(`"(?:TmpSecretKey|tmpSecretKey|SecurityToken|sessionToken)"\s*:\s*"([^"]+)"`)
)

// addFromAnswer adds the signatures (every 40-hex string: q-signature
// values, the signatures inside Authorization values) and the whole
// Authorization values an answer carries, in its body and its headers
// (Location); it returns how many signatures it found.
func (s *secretSet) addFromAnswer(resp Response) int {
	text := string(resp.Body)
	for _, v := range resp.Header {
		text += "\n" + v
	}
	if u, err := url.QueryUnescape(text); err == nil {
		text += "\n" + u
	}
	sigs := hex40.FindAllString(text, -1)
	for _, sig := range sigs {
		s.add(sig)
	}
	// CDN URLs: the MD5 of the URL authentication (TypeA's sign value ends
	// in it, D's is it, B and C carry it as a path segment).
	for _, m := range cdnHash.FindAllStringSubmatch(text, -1) {
		s.add(m[1])
		sigs = append(sigs, m[1])
	}
	// /sts answers: the temporary secret key and token, under every name.
	for _, m := range stsSecret.FindAllStringSubmatch(string(resp.Body), -1) {
		var v string
		if json.Unmarshal([]byte(`"`+m[1]+`"`), &v) == nil {
			s.add(v)
		}
	}
	for _, m := range authorValue.FindAllStringSubmatch(string(resp.Body), -1) {
		var v string
		if json.Unmarshal([]byte(`"`+m[1]+`"`), &v) == nil {
			s.add(v)
		}
	}
	return len(sigs)
}

func errorCode(body []byte) string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}
