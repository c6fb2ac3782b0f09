package eventtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/signer"
)

// Check asserts that an answer meets the expectation: status, error code,
// fields, headers, and every signature recomputed with cos-go-sdk-v5 (a
// post policy's from the POST Object API's definition) from the
// expectation's inputs and the window the answer states. headers' names may
// be in any case.
func Check(t testing.TB, exp Expectation, status int, headers map[string]string, body []byte) {
	t.Helper()
	h := make(map[string]string, len(headers))
	for k, v := range headers {
		h[strings.ToLower(k)] = v
	}
	if status != exp.Status {
		t.Errorf("status %d, want %d; body: %s", status, exp.Status, clip(body))
		return
	}
	for k, want := range exp.Headers {
		got, ok := h[strings.ToLower(k)]
		if !ok {
			t.Errorf("response header %q missing (have %v)", k, headerNames(h))
		} else if got != want {
			t.Errorf("response header %q = %q, want %q", k, got, want)
		}
	}
	if status >= 400 {
		checkErrorBody(t, exp.Code, body)
		return
	}
	var obj map[string]any
	if len(exp.Fields) > 0 || (exp.Verify != "" && exp.Verify != "none" && status != http.StatusFound) {
		var err error
		if obj, err = decodeObject(body); err != nil {
			t.Errorf("answer body is not a JSON object: %v; body: %s", err, clip(body))
			return
		}
	}
	for _, f := range exp.Fields {
		if _, ok := obj[f]; !ok {
			t.Errorf("answer lacks field %q; body: %s", f, clip(body))
		}
	}
	verify(t, exp, status, h, obj, body)
}

// CheckAnswer is Check for an Answer.
func CheckAnswer(t testing.TB, exp Expectation, a Answer) {
	t.Helper()
	Check(t, exp, a.Status, a.Headers, a.Body)
}

// CheckInvokeError asserts that a failed direct invocation carries the
// expected error code: on Lambda errorType is the code and errorMessage
// the message; on SCF (whose runtime reports the Go type name as Type) the
// message reads "Code: message".
func CheckInvokeError(t testing.TB, platform string, exp Expectation, f InvokeFailure) {
	t.Helper()
	if !exp.InvokeError {
		t.Errorf("invocation failed (%s: %s) but the expectation is an answer with status %d", f.Type, f.Message, exp.Status)
		return
	}
	switch platform {
	case "lambda":
		if f.Type != exp.Code {
			t.Errorf("errorType %q, want %q (message %q)", f.Type, exp.Code, f.Message)
		}
		if f.Message == "" {
			t.Errorf("errorMessage is empty")
		}
	default:
		if !strings.HasPrefix(f.Message, exp.Code+": ") || len(f.Message) == len(exp.Code)+2 {
			t.Errorf("error message %q does not read %q followed by a message", f.Message, exp.Code+": ")
		}
	}
}

func checkErrorBody(t testing.TB, code string, body []byte) {
	t.Helper()
	var e struct {
		Error *struct {
			Code      string  `json:"code"`
			Message   string  `json:"message"`
			RequestID *string `json:"requestId"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
		t.Errorf("error answer is not {\"error\":{code,message,requestId}}: %s", clip(body))
		return
	}
	if code != "" && e.Error.Code != code {
		t.Errorf("error code %q, want %q (message %q)", e.Error.Code, code, e.Error.Message)
	}
	if e.Error.Message == "" {
		t.Errorf("error %q has no message", e.Error.Code)
	}
	if e.Error.RequestID == nil {
		t.Errorf("error %q has no requestId field", e.Error.Code)
	}
}

func verify(t testing.TB, exp Expectation, status int, h map[string]string, obj map[string]any, body []byte) {
	t.Helper()
	switch exp.Verify {
	case "", "none":
	case "auth":
		verifyAuth(t, exp.Sign, obj)
	case "presign", "download":
		u := str(obj, "url")
		if status == http.StatusFound {
			u = h["location"]
		}
		verifyPresigned(t, exp.Verify, exp.Sign, u, obj, status == http.StatusFound)
	case "post-policy":
		verifyPostPolicy(t, exp.Sign, obj)
	case "batch":
		verifyBatch(t, exp, obj, body)
	default:
		t.Errorf("expectation: unknown verify %q", exp.Verify)
	}
}

func verifyBatch(t testing.TB, exp Expectation, obj map[string]any, body []byte) {
	t.Helper()
	var entries []any
	for _, k := range []string{"results", "items", "responses"} {
		if v, ok := obj[k].([]any); ok {
			entries = v
			break
		}
	}
	if entries == nil {
		t.Errorf("batch answer has no results list: %s", clip(body))
		return
	}
	if len(entries) != len(exp.Batch) {
		t.Errorf("batch answer has %d entries, want %d: %s", len(entries), len(exp.Batch), clip(body))
		return
	}
	for i, e := range entries {
		want := exp.Batch[i]
		o, ok := e.(map[string]any)
		if !ok {
			t.Errorf("batch entry %d is not an object", i)
			continue
		}
		// An entry may wrap its answer as {"status", "result"|"error"}.
		if r, ok := o["result"].(map[string]any); ok {
			o = r
		}
		if want.Code != "" {
			eo, _ := o["error"].(map[string]any)
			if eo == nil || eo["code"] != want.Code {
				t.Errorf("batch entry %d: want error %q, got %v", i, want.Code, e)
			}
			continue
		}
		if eo, ok := o["error"]; ok {
			t.Errorf("batch entry %d failed: %v", i, eo)
			continue
		}
		for _, f := range want.Fields {
			if _, ok := o[f]; !ok {
				t.Errorf("batch entry %d lacks field %q", i, f)
			}
		}
		verify(t, want, http.StatusOK, nil, o, nil)
	}
}

// window reads startTime/expiredTime and checks them against the requested
// expiry and serverTime when given.
func answerWindow(t testing.TB, sign *Sign, obj map[string]any) (signer.Window, bool) {
	t.Helper()
	start, ok1 := num(obj, "startTime")
	end, ok2 := num(obj, "expiredTime")
	if !ok1 || !ok2 {
		t.Errorf("answer lacks integer startTime/expiredTime: %v", obj)
		return signer.Window{}, false
	}
	if sign != nil && sign.Expires > 0 && end-start != sign.Expires+60 {
		t.Errorf("window [%d, %d] lasts %d s, want %d (expiry %d plus the 60 s skew allowance)",
			start, end, end-start, sign.Expires+60, sign.Expires)
	}
	if now, ok := num(obj, "serverTime"); ok && start != now-60 {
		t.Errorf("startTime %d is not serverTime %d minus 60 s", start, now)
	}
	return signer.Window{Start: start, End: end}, true
}

func verifyAuth(t testing.TB, sign *Sign, obj map[string]any) {
	t.Helper()
	if sign == nil {
		t.Errorf("expectation verify=auth needs sign")
		return
	}
	e := sdk(t)
	w, ok := answerWindow(t, sign, obj)
	if !ok {
		return
	}
	pu, err := e.presign(sign, w, "", false)
	if err != nil {
		t.Errorf("recomputing the signature with cos-go-sdk-v5: %v", err)
		return
	}
	if got, want := str(obj, "authorization"), authorization(pu.Query()); got != want {
		t.Errorf("authorization does not verify:\n got  %s\n want %s", got, want)
	}
	if sign.SignHost == nil || *sign.SignHost {
		if got := str(obj, "host"); got != pu.Host {
			t.Errorf("host %q, want %q", got, pu.Host)
		}
	}
	if e.token != "" && str(obj, "securityToken") != e.token {
		t.Errorf("answer lacks the securityToken the client must send")
	}
	checkSentHeaders(t, sign, pu.Query(), obj, "signature")
}

// checkSentHeaders asserts that the answer tells the client to send every
// header of sign that the signature q lists.
func checkSentHeaders(t testing.TB, sign *Sign, q url.Values, obj map[string]any, what string) {
	t.Helper()
	listed := strings.Split(q.Get("q-header-list"), ";")
	got, _ := obj["headers"].(map[string]any)
	for k, v := range sign.Headers {
		if slices.Contains(listed, strings.ToLower(k)) && !hasHeader(got, k, v) {
			t.Errorf("answer headers lack %s (the client must send it for the %s to hold): %v", k, what, got)
		}
	}
}

func verifyPresigned(t testing.TB, kind string, sign *Sign, got string, obj map[string]any, redirect bool) {
	t.Helper()
	if sign == nil {
		t.Errorf("expectation verify=%s needs sign", kind)
		return
	}
	if got == "" {
		t.Errorf("answer has no URL")
		return
	}
	gu, err := url.Parse(got)
	if err != nil {
		t.Errorf("answer URL %q: %v", got, err)
		return
	}
	var w signer.Window
	if redirect {
		// A redirect has no body: the window is in the URL's q-sign-time.
		w, err = parseKeyTime(gu.Query().Get("q-sign-time"))
		if err != nil {
			t.Errorf("redirect URL: %v", err)
			return
		}
	} else {
		var ok bool
		if w, ok = answerWindow(t, sign, obj); !ok {
			return
		}
	}
	if redirect && sign.Expires > 0 && w.End-w.Start != sign.Expires+60 {
		t.Errorf("redirect URL window lasts %d s, want %d", w.End-w.Start, sign.Expires+60)
	}
	method := sign.Method
	if kind == "download" {
		method = "GET"
	}
	wu, err := sdk(t).presign(sign, w, method, true)
	if err != nil {
		t.Errorf("recomputing the URL with cos-go-sdk-v5: %v", err)
		return
	}
	if gu.Scheme != wu.Scheme || gu.Host != wu.Host || gu.EscapedPath() != wu.EscapedPath() {
		t.Errorf("URL %s://%s%s, want %s://%s%s", gu.Scheme, gu.Host, gu.EscapedPath(), wu.Scheme, wu.Host, wu.EscapedPath())
	}
	gq, wq := gu.Query(), wu.Query()
	for k := range wq {
		if gq.Get(k) != wq.Get(k) {
			t.Errorf("URL query %s = %q, want %q", k, gq.Get(k), wq.Get(k))
		}
	}
	for k := range gq {
		if !wq.Has(k) {
			t.Errorf("URL carries an unexpected query parameter %q", k)
		}
	}
	if m := str(obj, "method"); obj != nil && m != "" && m != strings.ToUpper(method) {
		t.Errorf("method %q, want %q", m, strings.ToUpper(method))
	}
	if !redirect {
		checkSentHeaders(t, sign, wq, obj, "URL")
	}
}

func verifyPostPolicy(t testing.TB, sign *Sign, obj map[string]any) {
	t.Helper()
	e := sdk(t)
	w, ok := answerWindow(t, sign, obj)
	if !ok {
		return
	}
	fields, _ := obj["fields"].(map[string]any)
	if fields == nil {
		fields = obj
	}
	policy := str(obj, "policy")
	if !strings.HasPrefix(policy, "{") {
		b, err := base64.StdEncoding.DecodeString(str(fields, "policy"))
		if err != nil {
			t.Errorf("post-policy answer has neither the policy text nor a base64 policy field")
			return
		}
		policy = string(b)
	}
	for k, v := range e.postPolicyFields(policy, w) {
		if str(fields, k) != v {
			t.Errorf("post-policy field %s = %q, want %q", k, str(fields, k), v)
		}
	}
	if u := str(obj, "url"); u == "" {
		t.Errorf("post-policy answer has no url to post to")
	}
	if sign == nil {
		return
	}
	// The signed policy must bind what was asked for.
	var p struct {
		Conditions []any `json:"conditions"`
	}
	if err := json.Unmarshal([]byte(policy), &p); err != nil {
		t.Errorf("policy is not JSON: %v", err)
		return
	}
	bucket := sign.Bucket
	if bucket == "" {
		bucket = e.bucket
	}
	cond := fmt.Sprint(p.Conditions)
	if !strings.Contains(cond, "map[bucket:"+bucket+"]") {
		t.Errorf("policy does not bind bucket %q: %s", bucket, policy)
	}
	key := strings.TrimPrefix(sign.Key, "/")
	switch {
	case key != "" && !strings.Contains(cond, "map[key:"+key+"]"):
		t.Errorf("policy does not bind key %q: %s", key, policy)
	case key == "" && !strings.Contains(cond, "[starts-with $key "+sign.KeyPrefix+"]"):
		t.Errorf("policy does not bind key prefix %q: %s", sign.KeyPrefix, policy)
	}
}

func parseKeyTime(s string) (signer.Window, error) {
	a, b, ok := strings.Cut(s, ";")
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return signer.Window{}, fmt.Errorf("q-sign-time %q is not start;end", s)
	}
	return signer.Window{Start: start, End: end}, nil
}

func hasHeader(m map[string]any, name, value string) bool {
	for k, v := range m {
		if strings.EqualFold(k, name) && v == value {
			return true
		}
	}
	return false
}

func decodeObject(body []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("null")
	}
	return m, nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case float64:
		return int64(v), v == float64(int64(v))
	}
	return 0, false
}

func headerNames(h map[string]string) []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func clip(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}
