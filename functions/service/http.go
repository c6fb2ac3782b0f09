package service

import (
	"io"
	"net"
	"net/http"
	"strings"
)

// ServeHTTP serves the same routes over net/http. The body is read up to
// one byte past SIGN_MAX_BODY_BYTES, so an oversized body is refused
// without being held in memory; a body cut short (the client gone, a read
// timeout) is a 400 IncompleteBody, never served as the part that came.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, bodyErr := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
	// Names lower-cased, as every door gives them (net/http has already
	// canonicalized them, so no two coincide).
	h := make(map[string]string, len(r.Header))
	for name, vs := range r.Header {
		h[strings.ToLower(name)] = strings.Join(vs, ", ")
	}
	// RemoteAddr is host:port; the log wants the address alone.
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	resp := s.Serve(r.Context(), &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: h, Body: body,
		RequestID: r.Header.Get("X-Request-Id"), SourceIP: ip, bodyErr: bodyErr})
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
}
