package eventtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Answer is a platform's response reduced to what the expectations speak
// of: status, headers (names lower-cased) and the decoded body.
type Answer struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// httpResponse covers SCF's APIGatewayResponse and Lambda's v1, v2,
// Function URL and ALB responses: they share these fields.
type httpResponse struct {
	StatusCode        *int                `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
	Cookies           []string            `json:"cookies"`
}

func decodeHTTPResponse(payload []byte) (Answer, error) {
	var r httpResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		return Answer{}, fmt.Errorf("response is not a JSON object: %w", err)
	}
	if r.StatusCode == nil {
		return Answer{}, fmt.Errorf("response has no statusCode")
	}
	a := Answer{Status: *r.StatusCode, Headers: map[string]string{}, Body: []byte(r.Body)}
	for k, v := range r.Headers {
		a.Headers[strings.ToLower(k)] = v
	}
	for k, vs := range r.MultiValueHeaders {
		a.Headers[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	if r.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return Answer{}, fmt.Errorf("isBase64Encoded body is not base64: %w", err)
		}
		a.Body = b
	}
	return a, nil
}

// SCFResponse reads an SCF HTTP response ({isBase64Encoded, statusCode,
// headers, body}), as the API gateway and Function URL triggers take it.
func SCFResponse(payload []byte) (Answer, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(payload, &probe); err != nil {
		return Answer{}, err
	}
	// The gateway needs every field; a null headers map breaks it.
	for _, k := range []string{"isBase64Encoded", "statusCode", "headers", "body"} {
		if v, ok := probe[k]; !ok || string(v) == "null" {
			return Answer{}, fmt.Errorf("SCF response lacks %q", k)
		}
	}
	return decodeHTTPResponse(payload)
}

// LambdaResponse reads a Lambda proxy response: REST v1, HTTP API v2,
// Function URL or ALB (multiValueHeaders are joined with ", ").
func LambdaResponse(payload []byte) (Answer, error) {
	return decodeHTTPResponse(payload)
}

// ALBResponse reads an ALB target group response, which must also carry a
// statusDescription such as "200 OK".
func ALBResponse(payload []byte) (Answer, error) {
	var r httpResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		return Answer{}, err
	}
	if r.StatusCode != nil && r.StatusDescription != fmt.Sprintf("%d %s", *r.StatusCode, http.StatusText(*r.StatusCode)) {
		return Answer{}, fmt.Errorf("ALB statusDescription %q does not match statusCode %d", r.StatusDescription, *r.StatusCode)
	}
	return decodeHTTPResponse(payload)
}

// DirectResponse is a successful direct invocation: the payload is the
// answer object itself.
func DirectResponse(payload []byte) Answer {
	return Answer{Status: http.StatusOK, Headers: map[string]string{}, Body: payload}
}

// Answer reads the platform's response to this case's event: the direct
// invocation payload, an SCF response, an ALB response or another Lambda
// proxy response.
func (c Case) Answer(payload []byte) (Answer, error) {
	switch {
	case c.Direct():
		return DirectResponse(payload), nil
	case c.Platform == "scf":
		return SCFResponse(payload)
	case c.Platform == "lambda" && isALB(c.Event):
		return ALBResponse(payload)
	case c.Platform == "lambda":
		return LambdaResponse(payload)
	}
	return Answer{}, fmt.Errorf("platform %q answers over plain HTTP; read the http.Response", c.Platform)
}

func isALB(event []byte) bool {
	var probe struct {
		RequestContext struct {
			ELB *json.RawMessage `json:"elb"`
		} `json:"requestContext"`
	}
	return json.Unmarshal(event, &probe) == nil && probe.RequestContext.ELB != nil
}

// WebRequest is an events/web/*.json file: a plain HTTP request.
type WebRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]any    `json:"query"` // a string or a list of strings each
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// ParseWebRequest reads an events/web event.
func ParseWebRequest(event []byte) (WebRequest, error) {
	var w WebRequest
	if err := json.Unmarshal(event, &w); err != nil {
		return w, err
	}
	if w.Method == "" || !strings.HasPrefix(w.Path, "/") {
		return w, fmt.Errorf("web event needs a method and a path starting with /")
	}
	for k, v := range w.Query {
		switch v := v.(type) {
		case string:
		case []any:
			for _, s := range v {
				if _, ok := s.(string); !ok {
					return w, fmt.Errorf("query %q: values must be strings", k)
				}
			}
		default:
			return w, fmt.Errorf("query %q: a string or a list of strings", k)
		}
	}
	return w, nil
}

// QueryValues is the request's query as url.Values-like lists.
func (w WebRequest) QueryValues() map[string][]string {
	q := map[string][]string{}
	for k, v := range w.Query {
		switch v := v.(type) {
		case string:
			q[k] = append(q[k], v)
		case []any:
			for _, s := range v {
				q[k] = append(q[k], s.(string))
			}
		}
	}
	return q
}

// NewHTTPRequest builds the request to send to baseURL (no trailing slash).
func (w WebRequest) NewHTTPRequest(baseURL string) (*http.Request, error) {
	q := make([]string, 0, len(w.Query))
	for k, vs := range w.QueryValues() {
		for _, v := range vs {
			q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	u := baseURL + w.Path
	if len(q) > 0 {
		sort.Strings(q)
		u += "?" + strings.Join(q, "&")
	}
	req, err := http.NewRequest(w.Method, u, strings.NewReader(w.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range w.Headers {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req, nil
}

// HTTPAnswer reads a net/http response (the web platform).
func HTTPAnswer(status int, h http.Header, body []byte) Answer {
	a := Answer{Status: status, Headers: map[string]string{}, Body: body}
	for k, vs := range h {
		a.Headers[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return a
}

// InvokeFailure is a failed direct invocation as the platform reports it:
// Lambda's {errorType, errorMessage}, SCF's InvokeResponse_Error {Type,
// Message}.
type InvokeFailure struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}
