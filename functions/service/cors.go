package service

import (
	"net/http"
	"strings"
)

// addCORS adds the CORS headers when the request's Origin is listed in
// CORS_ALLOWED_ORIGINS (echoed, with Vary: Origin); other origins get none.
func (s *Service) addCORS(r *Request, resp *Response) {
	if resp == nil || (!s.corsAny && len(s.corsOrigins) == 0) {
		return
	}
	if resp.Header == nil {
		resp.Header = map[string]string{}
	}
	resp.Header["Vary"] = "Origin"
	origin := r.Header["origin"]
	if !s.originAllowed(origin) {
		return
	}
	resp.Header["Access-Control-Allow-Origin"] = origin
	resp.Header["Access-Control-Expose-Headers"] = "X-Request-Id"
}

// originAllowed says whether a request's Origin is listed. With "*" any
// origin that is well formed is echoed, never one holding spaces or
// control characters (it would be reflected into a response header).
func (s *Service) originAllowed(origin string) bool {
	if origin == "" || len(origin) > 256 {
		return false
	}
	if s.corsOrigins[strings.ToLower(origin)] {
		return true
	}
	return s.corsAny && tokenLike(origin, ":/.-[]")
}

// tokenLike: only ASCII letters, digits and the given punctuation.
func tokenLike(v, punct string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return true
}

// preflight answers OPTIONS with 204; addCORS adds the origin when it is
// listed.
func (s *Service) preflight(r *Request) *Response {
	h := map[string]string{}
	if s.originAllowed(r.Header["origin"]) {
		h["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
		h["Access-Control-Allow-Headers"] = s.corsHeaders
		h["Access-Control-Max-Age"] = "600"
	}
	return &Response{Status: http.StatusNoContent, Header: h}
}
