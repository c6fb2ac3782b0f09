package service

import (
	"io"
	"net/http"
	"strings"
)

// ServeHTTP serves the same routes over net/http. The body is read up to
// one byte past SIGN_MAX_BODY_BYTES, so an oversized body is refused
// without being held in memory.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
	if err != nil {
		body = nil
	}
	// Names lower-cased, as every door gives them (net/http has already
	// canonicalized them, so no two coincide).
	h := make(map[string]string, len(r.Header))
	for name, vs := range r.Header {
		h[strings.ToLower(name)] = strings.Join(vs, ", ")
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
