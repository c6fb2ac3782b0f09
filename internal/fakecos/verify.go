package fakecos

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// authFields are the members of a COS Authorization, from the header or,
// for a presigned URL, from the query.
var authFields = []string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}

// parseAuth splits "q-sign-algorithm=sha1&q-ak=…" (";" inside values, so
// not url.ParseQuery).
func parseAuth(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// verify checks r's signature as COS would: known SecretId, the security
// token of temporary keys, the sign and key time windows, and a signature
// recomputed by cos-go-sdk-v5 over exactly the headers and parameters the
// request says it signed (so a listed header not sent fails too). q is r's
// query (parseQuery); the SecretId it returns is the signature's q-ak.
func (s *Server) verify(r *http.Request, q url.Values, e *Entry) (string, *cosError) {
	var a map[string]string
	if h := r.Header.Get("Authorization"); h != "" {
		a = parseAuth(h)
	} else if q.Has("q-signature") {
		a = map[string]string{}
		for _, f := range authFields {
			a[f] = q.Get(f)
		}
	} else {
		return "", &cosError{403, "AccessDenied", "Access Denied. (no signature: the fake bucket is private)"}
	}
	for _, f := range authFields {
		if _, ok := a[f]; !ok {
			return "", &cosError{403, "AccessDenied", "Authorization lacks " + f}
		}
	}
	if a["q-sign-algorithm"] != "sha1" {
		return "", &cosError{400, "InvalidArgument", "q-sign-algorithm must be sha1"}
	}
	cred, ok := s.credentials(a["q-ak"])
	if !ok {
		return "", &cosError{403, "InvalidAccessKeyId", "The access key Id format you provided is invalid."}
	}
	now := s.Now()

	tokenHeader, tokenQuery := r.Header.Get("x-cos-security-token"), q.Get("x-cos-security-token")
	switch {
	case tokenHeader != "":
		e.TokenIn = "header"
	case tokenQuery != "":
		e.TokenIn = "query"
	}
	if cred.Token != "" {
		if tokenHeader != cred.Token && tokenQuery != cred.Token {
			return "", &cosError{403, "InvalidAccessKeyId", "temporary credentials need their x-cos-security-token (header or query parameter)"}
		}
	} else if e.TokenIn != "" {
		return "", &cosError{400, "InvalidToken", "x-cos-security-token sent with permanent credentials"}
	}

	signTime, err := parseWindow(a["q-sign-time"])
	if err != nil {
		return "", &cosError{403, "AccessDenied", "q-sign-time: " + err.Error()}
	}
	keyTime, err := parseWindow(a["q-key-time"])
	if err != nil {
		return "", &cosError{403, "AccessDenied", "q-key-time: " + err.Error()}
	}
	for _, w := range [][2]time.Time{signTime, keyTime} {
		if now.Before(w[0]) {
			return "", &cosError{403, "AccessDenied", "Request has not started yet"}
		}
		if now.After(w[1]) {
			return "", &cosError{403, "AccessDenied", "Request has expired"}
		}
	}

	want, cerr := recompute(r, q, a, cred, &cos.AuthTime{SignStartTime: signTime[0], SignEndTime: signTime[1], KeyStartTime: keyTime[0], KeyEndTime: keyTime[1]})
	if cerr != nil {
		return "", cerr
	}
	for _, f := range []string{"q-header-list", "q-url-param-list"} {
		if want[f] != a[f] {
			return "", &cosError{403, "SignatureDoesNotMatch", fmt.Sprintf("%s %q names what the request does not carry as listed (sent and listed: %q)", f, a[f], want[f])}
		}
	}
	if want["q-signature"] != a["q-signature"] {
		return "", &cosError{403, "SignatureDoesNotMatch", "The Signature you specified is invalid."}
	}
	return a["q-ak"], nil
}

// credentials are the keys id names: those the fake was given, else what
// CredentialsFor says.
func (s *Server) credentials(id string) (Credentials, bool) {
	s.mu.Lock()
	c, ok := s.creds[id]
	s.mu.Unlock()
	if !ok && s.CredentialsFor != nil {
		c, ok = s.CredentialsFor(id)
	}
	return c, ok
}

// parseQuery splits a query on "&" only: the SDKs put an Authorization's
// "q-sign-time=a;b" into presigned URLs as it is, and COS reads it so
// (url.ParseQuery drops pairs holding ";").
func parseQuery(raw string) url.Values {
	v := url.Values{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, val, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(val)
		if err1 == nil && err2 == nil {
			v[k] = append(v[k], val)
		}
	}
	return v
}

func parseWindow(s string) ([2]time.Time, error) {
	a, b, ok := strings.Cut(s, ";")
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || end < start {
		return [2]time.Time{}, fmt.Errorf("%q is not <start>;<end>", s)
	}
	return [2]time.Time{time.Unix(start, 0), time.Unix(end, 0)}, nil
}

// signHeadersMu guards cos-go-sdk-v5's global NeedSignHeaders, which
// recompute widens for the duration of one signature.
var signHeadersMu sync.Mutex

// recompute signs, with cos-go-sdk-v5, a copy of r (query q) that holds
// only the headers and parameters a's lists name, and returns that
// Authorization's members.
func recompute(r *http.Request, q url.Values, a map[string]string, cred Credentials, at *cos.AuthTime) (map[string]string, *cosError) {
	headerList := splitList(a["q-header-list"])
	paramList := splitList(a["q-url-param-list"])
	if !slices.Contains(headerList, "host") {
		// COS admits an unsigned host; this fake does not, since a
		// signature that does not bind the host is one the service must
		// never hand out by default.
		return nil, &cosError{403, "AccessDenied", "fake COS: q-header-list does not sign host"}
	}
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
	c, _ := http.NewRequest(r.Method, u.String(), nil)
	c.URL.Path = r.URL.Path
	c.Host = r.Host
	for name, v := range r.Header {
		if n := strings.ToLower(name); n != "host" && slices.Contains(headerList, encName(n)) {
			c.Header[name] = v
		}
	}
	if slices.Contains(headerList, "content-length") && c.Header.Get("Content-Length") == "" && r.ContentLength >= 0 {
		c.Header.Set("Content-Length", strconv.FormatInt(r.ContentLength, 10))
	}
	kept := url.Values{}
	for name, v := range q {
		if slices.Contains(paramList, encName(name)) {
			kept[name] = v
		}
	}
	c.URL.RawQuery = kept.Encode()

	signHeadersMu.Lock()
	defer signHeadersMu.Unlock()
	var widened []string
	for name := range c.Header {
		n := strings.ToLower(name)
		if !cos.NeedSignHeaders[n] && !strings.HasPrefix(n, "x-cos-") && !strings.HasPrefix(n, "x-ci-") {
			cos.SetNeedSignHeaders(n, true)
			widened = append(widened, n)
		}
	}
	cos.AddAuthorizationHeader(cred.SecretID, cred.SecretKey, "", c, at)
	for _, n := range widened {
		delete(cos.NeedSignHeaders, n)
	}
	return parseAuth(c.Header.Get("Authorization")), nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// encName is a name as the lists carry it: lower-cased, percent-encoded.
func encName(n string) string {
	return strings.ToLower(strings.NewReplacer("!", "%21", "'", "%27", "(", "%28", ")", "%29", "*", "%2A").Replace(strings.ReplaceAll(url.QueryEscape(n), "+", "%20")))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
