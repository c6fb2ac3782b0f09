package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
)

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
	le := logEntry{requestID: rid, sourceIP: r.SourceIP, path: r.Path}
	defer func() {
		if v := recover(); v != nil {
			fail = internalError
			resp = s.errorResponse(fail, rid)
			s.logPanic(ctx, rid, v)
		}
		s.addCORS(r, resp)
		s.logRequest(ctx, &le, resp.Status, fail, start)
	}()
	resp, err := s.serve(ctx, r, rid, &le, direct)
	if err != nil {
		fail = apiErrorOf(err)
		resp = s.refusalResponse(fail, &le, rid)
	}
	return resp, fail
}

// refusalResponse is the error answer to a refused request, with the Allow
// header of a 405 and the Retry-After STS asked for.
func (s *Service) refusalResponse(fail *apiError, le *logEntry, rid string) *Response {
	e := errorObject(fail, rid, false)
	retryAfter := stsFailure(le, &e.Error)
	resp := s.jsonResponse(fail.status, e, rid)
	if fail.status == http.StatusMethodNotAllowed {
		resp.Header["Allow"] = allowedHTTP(le.route)
	}
	if retryAfter > 0 {
		resp.Header["Retry-After"] = strconv.Itoa(retryAfter)
	}
	return resp
}

// serve answers one request on its way through: the route (by path, or by
// the body's action), the body's limits, the caller, the request's fields,
// and the route's answer.
func (s *Service) serve(ctx context.Context, r *Request, rid string, le *logEntry, direct bool) (*Response, error) {
	method := strings.ToUpper(r.Method)
	route := routeOf(r.Path)
	le.route = route
	if method == "OPTIONS" {
		return s.preflight(r), nil
	}
	if route == routeHealth {
		return s.health(method, rid)
	}
	if err := s.checkBody(r); err != nil {
		return nil, err
	}
	var in input
	decoded := false
	if route == routeNone {
		// No route in the path: the body's action names it.
		if err := decodeRequest(r, method, &in); err != nil {
			return nil, err
		}
		decoded = true
		var err error
		if route, err = routeByAction(r, &in, direct); err != nil {
			return nil, err
		}
		le.route = route
		if route == routeHealth {
			return s.serve(ctx, &Request{Method: "GET", Path: "/healthz"}, rid, le, direct)
		}
	}
	id, err := s.admit(r, route, method, le)
	if err != nil {
		return nil, err
	}
	if !decoded {
		if err := decodeRequest(r, method, &in); err != nil {
			return nil, err
		}
	}
	if in.Action != "" && routeOfAction(in.Action) != route {
		return nil, badRequest("ActionMismatch", fmt.Sprintf("the body's action %s does not match the route %s", truncate(strconv.Quote(in.Action), 40), route))
	}
	res, err := s.dispatch(ctx, route, &in, id, le, direct)
	if err != nil {
		return nil, err
	}
	if res.location != "" {
		return &Response{Status: http.StatusFound, Header: map[string]string{"Location": res.location, "Cache-Control": "no-store", "X-Request-Id": rid}}, nil
	}
	return s.jsonResponse(http.StatusOK, res.body, rid), nil
}

// health answers /healthz: GET or HEAD, 503 until the service is
// configured.
func (s *Service) health(method, rid string) (*Response, error) {
	if method != "GET" && method != "HEAD" {
		return nil, &apiError{http.StatusMethodNotAllowed, "HTTPMethodNotAllowed", "use GET for healthz"}
	}
	if err := s.notConfigured(); err != nil {
		return nil, err
	}
	if err := s.cdnNotConfigured(); err != nil {
		return nil, err
	}
	return s.jsonResponse(http.StatusOK, &healthAnswer{Status: "ok", Version: s.version}, rid), nil
}

// checkBody refuses a body that did not arrive whole, or is over
// SIGN_MAX_BODY_BYTES.
func (s *Service) checkBody(r *Request) error {
	if r.bodyErr != nil {
		return badRequest("IncompleteBody", "the request body could not be read whole: "+truncate(r.bodyErr.Error(), 120))
	}
	if int64(len(r.Body)) > s.cfg.MaxBodyBytes {
		return &apiError{http.StatusRequestEntityTooLarge, "BodyTooLarge", fmt.Sprintf("the body is %d bytes; the limit is %d (SIGN_MAX_BODY_BYTES)", len(r.Body), s.cfg.MaxBodyBytes)}
	}
	return nil
}

// decodeRequest reads the request's fields: the query, then a POST body
// (JSON or a form) over it.
func decodeRequest(r *Request, method string, in *input) error {
	if len(r.Query) > 0 {
		if err := decodeQuery(r.Query, in, false); err != nil {
			return err
		}
	}
	if method != "POST" || len(r.Body) == 0 {
		return nil
	}
	// A body that opens like JSON is JSON, whatever it is labelled: curl -d
	// labels everything as a form, and a form field cannot start with '{'.
	ctype := strings.ToLower(r.Header["content-type"])
	if strings.HasPrefix(ctype, "multipart/") {
		return &apiError{http.StatusUnsupportedMediaType, "UnsupportedMediaType", "a multipart body is not read: send application/json or application/x-www-form-urlencoded"}
	}
	if strings.HasPrefix(ctype, "application/x-www-form-urlencoded") && !looksLikeJSON(r.Body) {
		return decodeForm(r.Body, in)
	}
	return decodeJSON(r.Body, in)
}

// routeByAction is the route a request without one in its path names by
// its action field (which a direct invocation must have).
func routeByAction(r *Request, in *input, direct bool) (string, error) {
	if in.Action == "" && direct {
		return "", badRequest("MissingAction", "the event needs a field \"action\": auth, presign, download, post-policy, batch or sts")
	}
	if in.Action == "" {
		return "", &apiError{http.StatusNotFound, "UnknownRoute", fmt.Sprintf("no route at %s: use /auth, /presign, /download, /post-policy, /batch, /sts or /healthz, or send a body field \"action\"", quoteName(r.Path))}
	}
	route := routeOfAction(in.Action)
	if route == routeNone {
		return "", &apiError{http.StatusNotFound, "UnknownRoute", fmt.Sprintf("action %s is not one of auth, presign, download, post-policy, batch, sts", quoteName(in.Action))}
	}
	return route, nil
}

// admit lets a request through to its route: an HTTP method the route
// answers, a configured service, and an authenticated caller (nil when
// AUTH_MODE=none).
func (s *Service) admit(r *Request, route, method string, le *logEntry) (*auth.Identity, error) {
	if !methodFits(route, method) {
		return nil, &apiError{http.StatusMethodNotAllowed, "HTTPMethodNotAllowed", fmt.Sprintf("%s does not answer %s: use %s", route, truncate(method, 16), allowedHTTP(route))}
	}
	if err := s.notConfigured(); err != nil {
		// A server setting, not the caller's fault: never a 400 that
		// blames the request (MissingBucket) for it.
		return nil, err
	}
	id, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if id != nil {
		le.subject = id.Subject
	}
	return id, nil
}

func (s *Service) authenticate(r *Request) (*auth.Identity, error) {
	id, err := s.cfg.Auth.Authenticate(r.Header, r.Authorizer, s.now())
	if err != nil {
		var ue *auth.UnusableError
		if errors.As(err, &ue) {
			return nil, forbidden("IdentityNotUsable", ue.Reason)
		}
		var ae *auth.Error
		if errors.As(err, &ae) {
			return nil, &apiError{http.StatusUnauthorized, "Unauthorized", ae.Reason}
		}
		return nil, &apiError{http.StatusUnauthorized, "Unauthorized", "the caller could not be authenticated"}
	}
	return id, nil
}

func (s *Service) jsonResponse(status int, answer any, rid string) *Response {
	return &Response{Status: status, Body: marshal(answer), Header: map[string]string{
		"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Request-Id": rid}}
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
