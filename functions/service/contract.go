// Package service is the platform-neutral core of the signing functions:
// request decoding, policy, routing, JSON answers and configuration. Each
// platform main turns its event into a Request, calls Serve (or Invoke for a
// direct invocation), and turns the Response back into its platform's answer.
// Nothing about signing, policy or JSON shapes lives in a platform main.
package service

import "fmt"

// Request is one HTTP request, whatever platform it came through.
type Request struct {
	// Method is the HTTP method as received (any letter case).
	Method string
	// Path is the URL path as received. Routes match its end, so API-gateway
	// stage or service prefixes do not matter.
	Path string
	// Query holds the decoded query parameters; a name may repeat.
	Query map[string][]string
	// Header holds the request headers, names lower-cased by the adapter;
	// repeated headers are joined with ", ".
	Header map[string]string
	// Body is the request body with any base64 transport encoding undone.
	Body []byte
	// RequestID is the platform's request id; the service makes one when empty.
	RequestID string
	// SourceIP is the caller's address as the platform saw it, if known.
	SourceIP string
	// Authorizer is what the platform's authorizer already verified: the
	// Lambda HTTP API JWT authorizer's claims, or the REST API / Lambda
	// authorizer context. nil when there is none. AUTH_MODE=gateway reads it.
	Authorizer map[string]any

	// bodyErr is why the body could not be read whole (ServeHTTP): such a
	// request is refused, never served from what arrived.
	bodyErr error
}

// Response is the service's answer, for the adapter to turn into its
// platform's response.
type Response struct {
	Status int
	// Header holds the response headers (Content-Type, CORS, Location, …).
	Header map[string]string
	// Body is JSON, or empty (204 preflight, 302 redirect).
	Body []byte
}

// InvokeError fails a direct invocation: the same status, code and message
// an HTTP caller would get.
type InvokeError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *InvokeError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }
