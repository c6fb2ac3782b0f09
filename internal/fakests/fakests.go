// Package fakests is a test kit: an httptest Tencent STS (version
// 2018-08-13) that checks each call as STS would — the TC3-HMAC-SHA256
// signature (tc3.go, pinned to Tencent's published example), the action,
// version, region, timestamp and X-TC-Token, the body's parameters and the
// CAM policy — answers in STS's shapes (errors as HTTP 200 with
// Response.Error), records what it vended, and fails on demand.
package fakests

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/campolicy"
)

// Options are the account the fake stands for.
type Options struct {
	SecretID, SecretKey string
	Token               string // the caller's session token; "" for permanent keys
	Region              string // X-TC-Region the calls must carry
	Scope               campolicy.Scope
	RoleARN             string // the role AssumeRole may assume
	RootAccount         bool   // GetFederationToken then allows at most 7200 s
	Now                 func() time.Time
}

// Vended is one successful call.
type Vended struct {
	Action       string // GetFederationToken or AssumeRole
	SessionName  string // RoleSessionName or Name
	Duration     int64
	PolicyText   string
	Policy       *campolicy.Policy
	TmpSecretID  string
	TmpSecretKey string
	Token        string
	ExpiredTime  int64
	RequestID    string
	SignedBy     string // the SecretId whose key signed the call
}

// Failure is what the next call answers instead of credentials.
type Failure struct {
	Code   string        // an STS error code, answered as HTTP 200 Response.Error
	Status int           // a non-200 HTTP status with a body holding a secret-looking text
	Drop   bool          // close the connection without an answer
	Delay  time.Duration // wait before answering (a timeout)
}

// Server is the fake STS.
type Server struct {
	*httptest.Server
	opts Options

	mu       sync.Mutex
	calls    int
	refused  []string
	vended   []Vended
	failures []Failure
	always   *Failure
	hold     chan struct{}
	caller   caller
}

// caller is the keys the account accepts now.
type caller struct{ secretID, secretKey, token string }

// New starts a fake STS; it closes when the test ends.
func New(t testing.TB, o Options) *Server {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opts: o, caller: caller{o.SecretID, o.SecretKey, o.Token}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Endpoint is the STS_ENDPOINT value that reaches the fake.
func (s *Server) Endpoint() string { return s.URL }

// Rotate makes the account accept only these keys from now on, as when a
// role's temporary keys are replaced: calls signed with the earlier ones
// are refused (AuthFailure.SecretIdNotFound or TokenFailure).
func (s *Server) Rotate(secretID, secretKey, token string) {
	s.mu.Lock()
	s.caller = caller{secretID, secretKey, token}
	s.mu.Unlock()
}

func (s *Server) keys() caller {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caller
}

// Fail queues failures for the next calls, in order.
func (s *Server) Fail(f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f...)
}

// FailAlways answers every call with f (after the queued failures) until
// the returned stop is called: an outage or a long throttle.
func (s *Server) FailAlways(f Failure) (stop func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always = &f
	return func() {
		s.mu.Lock()
		s.always = nil
		s.mu.Unlock()
	}
}

// Hold makes calls wait until the returned release is called.
func (s *Server) Hold() (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.hold = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.hold = nil
			s.mu.Unlock()
			close(ch)
		})
	}
}

// Calls is how many calls reached the fake (refused ones included).
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Refused lists why calls were refused (for a test's failure message).
func (s *Server) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

// Vended lists the successful calls.
func (s *Server) Vended() []Vended {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Vended(nil), s.vended...)
}

// Lookup finds vended credentials by their TmpSecretId (what a fake COS
// reads from q-ak).
func (s *Server) Lookup(tmpSecretID string) (Vended, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.vended {
		if v.TmpSecretID == tmpSecretID {
			return v, true
		}
	}
	return Vended{}, false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	hold := s.hold
	var f *Failure
	if len(s.failures) > 0 {
		f = &s.failures[0]
		s.failures = s.failures[1:]
	} else if s.always != nil {
		a := *s.always
		f = &a
	}
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rid := randomHex(16)
	c, code, msg := s.check(r, body)
	if code != "" {
		s.mu.Lock()
		s.refused = append(s.refused, code+": "+msg)
		s.mu.Unlock()
		writeError(w, code, msg, rid)
		return
	}
	if f != nil {
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case f.Drop:
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
		case f.Status != 0:
			// A gateway's error page; the SDK puts this body in its message.
			http.Error(w, "upstream failure; echo TmpSecretKey=leak-if-forwarded", f.Status)
			return
		case f.Code != "":
			writeError(w, f.Code, "injected failure: "+f.Code+" (message text must never reach a caller)", rid)
			return
		}
	}
	s.vend(w, c, rid)
}

var (
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
	lettersRE     = regexp.MustCompile(`^[A-Za-z]{1,64}$`)
)

type fedParams struct {
	Name            *string
	Policy          *string
	DurationSeconds *int64
}

type roleParams struct {
	RoleArn         *string
	RoleSessionName *string
	Policy          *string
	DurationSeconds *int64
	ExternalId      *string
}

// callParams is what a call asks for, read once by checkParams.
type callParams struct {
	action     string
	name       string // Name or RoleSessionName
	duration   int64
	policyText string
	policy     *campolicy.Policy
	signedBy   string
}

// check refuses a call as STS would: an error code and message, or "" and
// what the call asks for.
func (s *Server) check(r *http.Request, body []byte) (callParams, string, string) {
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.URL.RawQuery != "" {
		return callParams{}, "InvalidParameter", "POST / only"
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && ct != "application/json; charset=utf-8" {
		return callParams{}, "InvalidParameter", "Content-Type must be application/json, got " + ct
	}
	if v := r.Header.Get("X-TC-Version"); v != "2018-08-13" {
		return callParams{}, "InvalidParameter", "X-TC-Version must be 2018-08-13, got " + v
	}
	action := r.Header.Get("X-TC-Action")
	if action != "GetFederationToken" && action != "AssumeRole" {
		return callParams{}, "InvalidAction", "action " + action + " is not one this fake serves"
	}
	if reg := r.Header.Get("X-TC-Region"); reg != s.opts.Region {
		return callParams{}, "InvalidParameter", fmt.Sprintf("X-TC-Region %q, want %q", reg, s.opts.Region)
	}
	keys := s.keys()
	if code, msg := s.checkSignature(r, body, keys); code != "" {
		return callParams{}, code, msg
	}
	tok := r.Header.Get("X-TC-Token")
	if tok != keys.token {
		return callParams{}, "AuthFailure.TokenFailure", "X-TC-Token does not match the caller's session token"
	}
	if action == "GetFederationToken" && tok != "" {
		// STS documents GetFederationToken for permanent keys only (the
		// code it then answers is unverified).
		return callParams{}, "AuthFailure.UnauthorizedOperation", "GetFederationToken takes permanent keys only"
	}
	c, code, msg := s.checkParams(action, body)
	c.signedBy = keys.secretID
	return c, code, msg
}

func (s *Server) checkParams(action string, body []byte) (callParams, string, string) {
	c := callParams{action: action}
	var policy *string
	var dur *int64
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	switch action {
	case "GetFederationToken":
		var p fedParams
		if err := dec.Decode(&p); err != nil {
			return callParams{}, "InvalidParameter", "body: " + err.Error()
		}
		if p.Name == nil || !lettersRE.MatchString(*p.Name) {
			return callParams{}, "InvalidParameter", "Name must be letters"
		}
		c.name, c.duration = *p.Name, 1800
		policy, dur = p.Policy, p.DurationSeconds
		max := int64(129600)
		if s.opts.RootAccount {
			max = 7200
		}
		if dur != nil && (*dur < 1 || *dur > max) {
			return callParams{}, "InvalidParameter.OverTimeError", "DurationSeconds out of range"
		}
	default:
		var p roleParams
		if err := dec.Decode(&p); err != nil {
			return callParams{}, "InvalidParameter", "body: " + err.Error()
		}
		if p.RoleArn == nil || *p.RoleArn != s.opts.RoleARN {
			return callParams{}, "InvalidParameter.ResouceError", "RoleArn is not a role this account may assume"
		}
		if p.RoleSessionName == nil || !sessionNameRE.MatchString(*p.RoleSessionName) {
			return callParams{}, "InvalidParameter", "RoleSessionName must be 2-128 of [\\w+=,.@-]"
		}
		c.name, c.duration = *p.RoleSessionName, 7200
		policy, dur = p.Policy, p.DurationSeconds
		if dur != nil && (*dur < 1 || *dur > 43200) {
			return callParams{}, "InvalidParameter.OverTimeError", "DurationSeconds out of range"
		}
	}
	if dur != nil {
		c.duration = *dur
	}
	if policy == nil {
		return callParams{}, "InvalidParameter", "Policy is required"
	}
	text, err := url.PathUnescape(*policy)
	if err != nil {
		return callParams{}, "InvalidParameter.StrategyFormatError", "Policy is not URL-encoded"
	}
	if len(text) > 4096 {
		return callParams{}, "InvalidParameter.PolicyTooLong", "Policy is too long"
	}
	parsed, err := campolicy.Parse(text, s.opts.Scope)
	if err != nil {
		return callParams{}, "InvalidParameter.StrategyFormatError", err.Error()
	}
	c.policyText, c.policy = text, parsed
	return c, "", ""
}

func (s *Server) vend(w http.ResponseWriter, c callParams, rid string) {
	now := s.opts.Now()
	v := Vended{Action: c.action, SessionName: c.name, Duration: c.duration, PolicyText: c.policyText, Policy: c.policy,
		TmpSecretID: "AKID" + randomHex(16), TmpSecretKey: randomHex(16), Token: "tok" + randomHex(100),
		ExpiredTime: now.Unix() + c.duration, RequestID: rid, SignedBy: c.signedBy}
	s.mu.Lock()
	s.vended = append(s.vended, v)
	s.mu.Unlock()
	out := map[string]any{"Response": map[string]any{
		"Credentials": map[string]string{"Token": v.Token, "TmpSecretId": v.TmpSecretID, "TmpSecretKey": v.TmpSecretKey},
		"ExpiredTime": v.ExpiredTime,
		"Expiration":  time.Unix(v.ExpiredTime, 0).UTC().Format("2006-01-02T15:04:05Z"),
		"RequestId":   rid,
	}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, code, msg, rid string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
		"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": rid}})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkSignature verifies the TC3-HMAC-SHA256 Authorization: the key id,
// the credential scope's date (the timestamp's UTC date) and service, a
// timestamp within five minutes, and the signature over the headers it
// lists (content-type and host at least) and the body.
func (s *Server) checkSignature(r *http.Request, body []byte, keys caller) (string, string) {
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return "MissingParameter", "X-TC-Timestamp is missing"
	}
	if d := s.opts.Now().Unix() - ts; d > 300 || d < -300 {
		return "AuthFailure.SignatureExpire", "the timestamp is more than five minutes away"
	}
	a, ok := ParseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return "AuthFailure.SignatureFailure", "Authorization is not TC3-HMAC-SHA256"
	}
	if a.SecretID != keys.secretID {
		return "AuthFailure.SecretIdNotFound", "unknown SecretId"
	}
	if a.Date != time.Unix(ts, 0).UTC().Format("2006-01-02") || a.Service != "sts" {
		return "AuthFailure.SignatureFailure", "credential scope date or service is wrong"
	}
	if !strings.Contains(";"+a.SignedHeaders+";", ";content-type;") || !strings.Contains(";"+a.SignedHeaders+";", ";host;") {
		return "AuthFailure.SignatureFailure", "content-type and host must be signed"
	}
	var headers [][2]string
	for _, h := range strings.Split(a.SignedHeaders, ";") {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers = append(headers, [2]string{h, v})
	}
	cr := CanonicalRequest(r.Method, "/", r.URL.RawQuery, headers, body)
	if want := Signature(keys.secretKey, a.Date, a.Service, ts, cr); want != a.Signature {
		return "AuthFailure.SignatureFailure", "the signature does not match"
	}
	return "", ""
}
