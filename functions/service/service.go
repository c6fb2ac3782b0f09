package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/signer"
)

// Options are what a platform main or a test supplies besides the
// environment.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives one JSON line per request; slog's default when nil.
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
}

// Service answers signing requests. It is safe for concurrent use.
type Service struct {
	cfg     Config
	signer  *signer.Signer // nil without credentials
	missing string         // why signing is unavailable (variable names only)
	now     func() time.Time
	log     *slog.Logger
	version string

	methods     map[string]bool // allowed signing methods, upper case
	buckets     map[string]bool // COS_ALLOWED_BUCKETS, lower case
	corsAny     bool
	corsOrigins map[string]bool
	authMode    string

	ridPrefix string
	ridSeq    atomic.Uint64
}

// New builds the service. Missing credentials are not an error: signing
// routes then answer 503 and /healthz still answers.
func New(cfg Config, opts Options) (*Service, error) {
	s := &Service{cfg: cfg, now: opts.Now, log: opts.Logger, version: opts.Version}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.version == "" {
		s.version = "dev"
	}
	if len(cfg.MissingCredentials) > 0 {
		s.missing = "signing credentials are not configured: set " + strings.Join(cfg.MissingCredentials, " and ")
	} else {
		sg, err := signer.New(cfg.Credentials, cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("signing credentials or endpoint: %s", signerMessage(err))
		}
		s.signer = sg
	}
	if cfg.Auth == nil {
		a, err := auth.FromEnv(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		s.cfg.Auth = a
	}
	s.authMode = s.cfg.Auth.Mode()
	if cfg.DefaultExpired <= 0 {
		s.cfg.DefaultExpired = DefaultExpired
	}
	if cfg.MaxExpired <= 0 {
		s.cfg.MaxExpired = DefaultMaxExpired
	}
	if cfg.MaxBodyBytes <= 0 {
		s.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBatch <= 0 {
		s.cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.AllowedMethods == nil {
		s.cfg.AllowedMethods = strings.Split(DefaultAllowedMethods, ",")
	}
	s.methods = map[string]bool{}
	for _, m := range s.cfg.AllowedMethods {
		s.methods[strings.ToUpper(m)] = true
	}
	s.buckets = map[string]bool{}
	for _, b := range cfg.AllowedBuckets {
		s.buckets[strings.ToLower(b)] = true
	}
	s.corsOrigins = map[string]bool{}
	for _, o := range cfg.CORSOrigins {
		if o == "*" {
			s.corsAny = true
		} else {
			s.corsOrigins[strings.ToLower(o)] = true
		}
	}
	var rid [6]byte
	if _, err := rand.Read(rid[:]); err != nil {
		return nil, fmt.Errorf("request ids: %w", err)
	}
	s.ridPrefix = hex.EncodeToString(rid[:]) + "-"
	return s, nil
}

// route names.
const (
	routeNone       = ""
	routeAuth       = "auth"
	routePresign    = "presign"
	routeDownload   = "download"
	routePostPolicy = "post-policy"
	routeBatch      = "batch"
	routeHealth     = "healthz"
)

// routeOf matches the end of the path, so stage and service prefixes
// (/release/auth, /prod/sign/presign) do not matter. "" means the path names
// no route.
func routeOf(path string) string {
	path = strings.TrimRight(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	switch strings.ToLower(path) {
	case "auth":
		return routeAuth
	case "presign":
		return routePresign
	case "download":
		return routeDownload
	case "post-policy", "postpolicy":
		return routePostPolicy
	case "batch":
		return routeBatch
	case "healthz", "health":
		return routeHealth
	}
	return routeNone
}

// routeOfAction reads the body field action.
func routeOfAction(a string) string {
	switch strings.ToLower(a) {
	case "auth", "getauth", "get_auth":
		return routeAuth
	case "presign", "get_presigned_url":
		return routePresign
	case "download", "get_presigned_download_url":
		return routeDownload
	case "post-policy", "postpolicy", "post_policy":
		return routePostPolicy
	case "batch":
		return routeBatch
	case "healthz", "health":
		return routeHealth
	}
	return routeNone
}

// allowedHTTP is the Allow header of each route.
func allowedHTTP(route string) string {
	switch route {
	case routeAuth, routeBatch:
		return "POST, OPTIONS"
	case routeHealth:
		return "GET, HEAD, OPTIONS"
	}
	return "GET, POST, OPTIONS"
}

func methodFits(route, method string) bool {
	switch method {
	case "POST":
		return route != routeHealth
	case "GET":
		return route != routeAuth && route != routeBatch
	case "HEAD":
		return route == routeHealth
	}
	return false
}

// apiError is a refused request: its HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
}

func badRequest(code, msg string) *apiError { return &apiError{http.StatusBadRequest, code, msg} }
func forbidden(code, msg string) *apiError  { return &apiError{http.StatusForbidden, code, msg} }

// fromSignerError turns the signer's refusals into 400s with its codes
// (InvalidKey, HostHeader, DuplicateName, InvalidHeader, …).
func fromSignerError(err error) *apiError {
	var se *signer.Error
	if errors.As(err, &se) {
		return badRequest(string(se.Code), se.Message)
	}
	return &apiError{http.StatusInternalServerError, "InternalError", "signing failed"}
}

// FromEnv is LoadConfig and New together: what every platform main does at
// start-up.
func FromEnv(getenv func(string) string, opts Options) (*Service, error) {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return nil, err
	}
	return New(cfg, opts)
}

// Serve answers one request. It never panics: a bug becomes a 500
// InternalError, logged without secrets.
func (s *Service) Serve(ctx context.Context, r *Request) *Response {
	resp, _ := s.handle(ctx, r, false)
	return resp
}

// handle answers one request, and the refusal when it is one; direct is a
// direct invocation, where the body must say its action and /download never
// redirects.
func (s *Service) handle(ctx context.Context, r *Request, direct bool) (resp *Response, fail *apiError) {
	start := time.Now()
	rid := r.RequestID
	if rid == "" || len(rid) > 128 || !tokenLike(rid, "-_.:") {
		// A request id goes into a response header and the log: only a
		// plain one is kept.
		rid = s.newRequestID()
	}
	le := logEntry{requestID: rid, sourceIP: r.SourceIP}
	defer func() {
		if v := recover(); v != nil {
			fail = &apiError{http.StatusInternalServerError, "InternalError", "an internal error occurred"}
			resp = s.errorResponse(fail, rid)
			s.log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("requestId", rid), slog.String("panic", truncate(fmt.Sprint(v), 200)))
		}
		s.addCORS(r, resp)
		s.logRequest(ctx, &le, resp.Status, fail, start)
	}()
	resp, fail = s.serve(ctx, r, rid, &le, direct)
	if fail != nil {
		resp = s.errorResponse(fail, rid)
		if fail.status == http.StatusMethodNotAllowed {
			resp.Header["Allow"] = allowedHTTP(le.route)
		}
	}
	return resp, fail
}

func (s *Service) serve(ctx context.Context, r *Request, rid string, le *logEntry, direct bool) (*Response, *apiError) {
	method := strings.ToUpper(r.Method)
	route := routeOf(r.Path)
	le.route = route
	if method == "OPTIONS" {
		return s.preflight(r), nil
	}
	if route == routeHealth {
		if method != "GET" && method != "HEAD" {
			return nil, &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET for healthz"}
		}
		o := newObj(make([]byte, 0, 64))
		o.str("status", "ok")
		o.str("version", s.version)
		return s.jsonResponse(http.StatusOK, o.close(), rid), nil
	}
	if int64(len(r.Body)) > s.cfg.MaxBodyBytes {
		return nil, &apiError{http.StatusRequestEntityTooLarge, "BodyTooLarge", fmt.Sprintf("the body is %d bytes; the limit is %d (SIGN_MAX_BODY_BYTES)", len(r.Body), s.cfg.MaxBodyBytes)}
	}

	var in input
	decoded := false
	decode := func() *apiError {
		decoded = true
		if len(r.Query) > 0 {
			if err := decodeQuery(r.Query, &in); err != nil {
				return err
			}
		}
		if method != "POST" || len(r.Body) == 0 {
			return nil
		}
		// A body that opens like JSON is JSON, whatever it is labelled: curl -d
		// labels everything as a form, and a form field cannot start with '{'.
		if strings.HasPrefix(strings.ToLower(r.Header["content-type"]), "application/x-www-form-urlencoded") && !looksLikeJSON(r.Body) {
			return decodeForm(r.Body, &in)
		}
		return decodeJSON(r.Body, &in)
	}
	if route == routeNone {
		if err := decode(); err != nil {
			return nil, err
		}
		if in.Action == "" && direct {
			return nil, badRequest("MissingAction", "the event needs a field \"action\": auth, presign, download, post-policy or batch")
		}
		if in.Action == "" {
			return nil, &apiError{http.StatusNotFound, "UnknownRoute", fmt.Sprintf("no route at %s: use /auth, /presign, /download, /post-policy, /batch or /healthz, or send a body field \"action\"", truncate(strconv.Quote(r.Path), 80))}
		}
		if route = routeOfAction(in.Action); route == routeNone {
			return nil, &apiError{http.StatusNotFound, "UnknownRoute", fmt.Sprintf("action %s is not one of auth, presign, download, post-policy, batch", truncate(strconv.Quote(in.Action), 80))}
		}
		le.route = route
		if route == routeHealth {
			return s.serve(ctx, &Request{Method: "GET", Path: "/healthz"}, rid, le, direct)
		}
	}
	if !methodFits(route, method) {
		return nil, &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("%s does not answer %s: use %s", route, truncate(method, 16), allowedHTTP(route))}
	}
	if s.signer == nil {
		return nil, &apiError{http.StatusServiceUnavailable, "ServiceNotConfigured", s.missing}
	}
	id, aerr := s.authenticate(r)
	if aerr != nil {
		return nil, aerr
	}
	if id != nil {
		le.subject = id.Subject
	}
	if !decoded {
		if err := decode(); err != nil {
			return nil, err
		}
	}
	if in.Action != "" && routeOfAction(in.Action) != route {
		return nil, badRequest("ActionMismatch", fmt.Sprintf("the body's action %s does not match the route %s", truncate(strconv.Quote(in.Action), 40), route))
	}
	body, location, err := s.dispatch(route, &in, id, le, direct)
	if err != nil {
		return nil, err
	}
	if location != "" {
		return &Response{Status: http.StatusFound, Header: map[string]string{"Location": location, "Cache-Control": "no-store", "X-Request-Id": rid}}, nil
	}
	return s.jsonResponse(http.StatusOK, body, rid), nil
}

func (s *Service) authenticate(r *Request) (*auth.Identity, *apiError) {
	id, err := s.cfg.Auth.Authenticate(r.Header, r.Authorizer, s.now())
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return nil, &apiError{http.StatusUnauthorized, "Unauthorized", ae.Reason}
		}
		return nil, &apiError{http.StatusUnauthorized, "Unauthorized", "the caller could not be authenticated"}
	}
	return id, nil
}

// dispatch runs one route on a decoded input: the answer, or a redirect
// location for /download?redirect=1.
func (s *Service) dispatch(route string, in *input, id *auth.Identity, le *logEntry, direct bool) ([]byte, string, *apiError) {
	now := s.now()
	switch route {
	case routeBatch:
		body, err := s.batch(in, id, now, le)
		return body, "", err
	case routePostPolicy:
		body, err := s.postPolicy(in, id, now, le)
		return body, "", err
	}
	body, url, err := s.signOne(route, in, id, now, le)
	if err != nil {
		return nil, "", err
	}
	if route == routeDownload && !direct && truthy(in.Redirect) {
		return nil, url, nil
	}
	return body, "", nil
}

func truthy(v scalar) bool {
	switch strings.ToLower(v.s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Invoke answers a direct invocation: event is a request body with "action";
// the answer object comes back as it is, and bad input fails with an
// *InvokeError carrying the status, code and message an HTTP caller would get.
func (s *Service) Invoke(ctx context.Context, event []byte) (json.RawMessage, error) {
	id, _ := ctx.Value(requestIDKey{}).(string)
	resp, fail := s.handle(ctx, &Request{Method: "POST", Path: "/", Body: event, Header: map[string]string{"content-type": "application/json"}, RequestID: id}, true)
	if fail != nil {
		// The values an HTTP caller reads from the error body: the JSON
		// writer turns each invalid UTF-8 byte into U+FFFD, and the body's
		// requestId is the response's X-Request-Id.
		return nil, &InvokeError{Status: fail.status, Code: jsonText(fail.code), Message: jsonText(fail.message), RequestID: resp.Header["X-Request-Id"]}
	}
	return json.RawMessage(resp.Body), nil
}

type requestIDKey struct{}

// WithRequestID gives a direct invocation the platform's request id (an
// event carries none), so that its log line and error name the invocation
// the platform logged.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// ServeHTTP serves the same routes over net/http. The body is read up to
// one byte past SIGN_MAX_BODY_BYTES, so an oversized body is refused
// without being held in memory.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
	if err != nil {
		body = nil
	}
	// Only the headers the service reads (ReadsHeader), as other adapters do.
	h := make(map[string]string, len(readHeaders))
	for _, name := range readHeaders {
		if v := r.Header.Values(name); len(v) > 0 {
			h[name] = strings.Join(v, ", ")
		}
	}
	resp := s.Serve(r.Context(), &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: h, Body: body,
		RequestID: r.Header.Get("X-Request-Id"), SourceIP: r.RemoteAddr})
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
}

func (s *Service) newRequestID() string {
	var b [32]byte
	out := append(b[:0], s.ridPrefix...)
	out = strconv.AppendUint(out, s.ridSeq.Add(1), 10)
	return string(out)
}

func (s *Service) jsonResponse(status int, body []byte, rid string) *Response {
	return &Response{Status: status, Body: body, Header: map[string]string{
		"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Request-Id": rid}}
}

// InvalidEvent is the 400 an adapter answers for an HTTP event it cannot
// read into a Request, in the service's error shape.
func InvalidEvent(message, requestID string) *Response {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "InvalidEvent", "message": message, "requestId": requestID}})
	return &Response{Status: http.StatusBadRequest, Header: map[string]string{"Content-Type": "application/json"}, Body: body}
}

func (s *Service) errorResponse(e *apiError, rid string) *Response {
	o := newObj(make([]byte, 0, 96+len(e.message)))
	o.raw("error", errorObject(e, rid, false))
	return s.jsonResponse(e.status, o.close(), rid)
}

func errorObject(e *apiError, rid string, withStatus bool) []byte {
	o := newObj(make([]byte, 0, 64+len(e.message)))
	o.str("code", e.code)
	o.str("message", e.message)
	o.str("requestId", rid)
	if withStatus {
		o.int("status", int64(e.status))
	}
	return o.close()
}

// jsonText is s as it reads back from a JSON string jsonstr wrote.
func jsonText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s)) // U+FFFD for each invalid byte
}

func looksLikeJSON(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}
