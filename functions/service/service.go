package service

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
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

// Config is the service's configuration, read from the environment.
type Config struct{}

// LoadConfig reads the configuration from the environment; an error names
// the variable at fault, never a secret value.
func LoadConfig(getenv func(string) string) (Config, error) { return Config{}, nil }

// Service answers signing requests.
type Service struct {
	opts Options
}

// New builds the service. Missing credentials are not an error: signing
// routes then answer 503 and /healthz still answers.
func New(cfg Config, opts Options) (*Service, error) { return &Service{opts: opts}, nil }

// Serve answers one request.
func (s *Service) Serve(ctx context.Context, r *Request) *Response {
	return &Response{Status: http.StatusNotImplemented, Header: map[string]string{"Content-Type": "application/json"},
		Body: []byte(`{"error":{"code":"NotImplemented","message":"the core is being built","requestId":""}}`)}
}

// Invoke answers a direct invocation: event is a request body with "action";
// the answer object comes back as it is, and bad input fails with an
// *InvokeError.
func (s *Service) Invoke(ctx context.Context, event []byte) (json.RawMessage, error) {
	return nil, &InvokeError{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: "the core is being built"}
}

// ServeHTTP serves the same routes over net/http.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h := map[string]string{}
	for k, v := range r.Header {
		h[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	resp := s.Serve(r.Context(), &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: h, Body: body, SourceIP: r.RemoteAddr})
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}
