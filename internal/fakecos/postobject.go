package fakecos

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxFormBytes bounds a POST form upload in this fake.
const maxFormBytes = 64 << 20

// postObject answers a POST form upload (the HTML form / wx.uploadFile
// scheme): the policy's signature and every condition are checked as COS
// does, computed here from the POST Object API's definition, and temporary
// keys' CAM policy must allow name/cos:PostObject on the form's key.
func (s *Server) postObject(w http.ResponseWriter, r *http.Request, host string, e *Entry) (int, *cosError) {
	if err := r.ParseMultipartForm(maxFormBytes); err != nil {
		return 0, &cosError{400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data: " + err.Error()}
	}
	field := func(name string) string {
		for k, v := range r.MultipartForm.Value {
			if strings.EqualFold(k, name) && len(v) > 0 {
				return v[0]
			}
		}
		return ""
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		return 0, &cosError{400, "InvalidArgument", "the form needs exactly one file field"}
	}
	f, err := files[0].Open()
	if err != nil {
		return 0, &cosError{400, "IncompleteBody", err.Error()}
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return 0, &cosError{400, "IncompleteBody", err.Error()}
	}
	key := field("key")
	e.Key = key
	if key == "" {
		return 0, &cosError{400, "InvalidArgument", "the form has no key"}
	}
	if field("policy") == "" {
		return 0, &cosError{403, "AccessDenied", "fake COS: a form upload without a policy (wx-sdk postObject's Signature field) is not served"}
	}
	policyText, err := base64.StdEncoding.DecodeString(field("policy"))
	if err != nil {
		return 0, &cosError{400, "InvalidPolicyDocument", "policy is not base64"}
	}
	cred, ok := s.credentials(field("q-ak"))
	now := s.Now()
	if !ok {
		return 0, &cosError{403, "InvalidAccessKeyId", "The access key Id format you provided is invalid."}
	}
	if field("q-sign-algorithm") != "sha1" {
		return 0, &cosError{400, "InvalidArgument", "q-sign-algorithm must be sha1"}
	}
	if tok := field("x-cos-security-token"); tok != "" {
		e.TokenIn = "form"
	}
	if cred.Token != "" && field("x-cos-security-token") != cred.Token {
		return 0, &cosError{403, "InvalidAccessKeyId", "temporary credentials need their x-cos-security-token form field"}
	}
	keyTime := field("q-key-time")
	win, err := parseWindow(keyTime)
	if err != nil {
		return 0, &cosError{403, "AccessDenied", "q-key-time: " + err.Error()}
	}
	if now.Before(win[0]) || now.After(win[1]) {
		return 0, &cosError{403, "AccessDenied", "Request has expired"}
	}
	signKey := hmacHex([]byte(cred.SecretKey), keyTime)
	sum := sha1.Sum(policyText)
	if !hmac.Equal([]byte(hmacHex([]byte(signKey), hex.EncodeToString(sum[:]))), []byte(field("q-signature"))) {
		return 0, &cosError{403, "SignatureDoesNotMatch", "The Signature you specified is invalid."}
	}
	if s.Authorize != nil && !s.Authorize(accessOf(r, field("q-ak"), actPostObject, host, key, nil)) {
		return 0, denied(actPostObject)
	}

	var policy struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(policyText, &policy); err != nil {
		return 0, &cosError{400, "InvalidPolicyDocument", err.Error()}
	}
	exp, err := time.Parse(time.RFC3339, policy.Expiration)
	if err != nil || now.After(exp) {
		return 0, &cosError{403, "AccessDenied", "Invalid according to Policy: Policy expired."}
	}
	bucketName := bucketOf(host)
	formValue := func(name string) string {
		switch strings.ToLower(name) {
		case "bucket":
			return bucketName
		case "q-sign-time":
			return keyTime
		}
		return field(name)
	}
	for _, raw := range policy.Conditions {
		if cerr := checkCondition(raw, formValue, int64(len(data))); cerr != nil {
			return 0, cerr
		}
	}

	ct := field("Content-Type")
	o := &Object{Data: data, ContentType: ct, ETag: etagOf(data), Meta: http.Header{}, Modified: now}
	s.mu.Lock()
	s.objects[host+"/"+key] = o
	s.mu.Unlock()
	w.Header().Set("ETag", o.ETag)
	w.Header().Set("Location", "http://"+host+"/"+key)
	status := http.StatusNoContent
	if v, err := strconv.Atoi(field("success_action_status")); err == nil && (v == 200 || v == 201) {
		status = v
	}
	w.WriteHeader(status)
	if status == http.StatusCreated {
		fmt.Fprintf(w, "<PostResponse><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag></PostResponse>", bucketName, key, o.ETag)
	}
	return status, nil
}

// checkCondition checks one policy condition against the form:
// {"name": value}, ["eq"|"starts-with", "$name", value], or
// ["content-length-range", min, max].
func checkCondition(raw json.RawMessage, value func(string) string, size int64) *cosError {
	bad := func(format string, a ...any) *cosError {
		return &cosError{403, "AccessDenied", "Invalid according to Policy: " + fmt.Sprintf(format, a...)}
	}
	var exact map[string]string
	if json.Unmarshal(raw, &exact) == nil {
		for name, want := range exact {
			if got := value(name); got != want {
				return bad("Policy Condition failed: [\"eq\", \"$%s\", %q] (form has %q)", name, want, got)
			}
		}
		return nil
	}
	var arr []any
	if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != 3 {
		return &cosError{400, "InvalidPolicyDocument", "condition " + string(raw) + " is neither an object nor a triple"}
	}
	op, _ := arr[0].(string)
	switch strings.ToLower(op) {
	case "content-length-range":
		lo, ok1 := arr[1].(float64)
		hi, ok2 := arr[2].(float64)
		if !ok1 || !ok2 {
			return &cosError{400, "InvalidPolicyDocument", "content-length-range needs two numbers"}
		}
		if size < int64(lo) || size > int64(hi) {
			return &cosError{400, "EntityTooLarge", fmt.Sprintf("Your proposed upload (%d bytes) is outside content-length-range [%d, %d]", size, int64(lo), int64(hi))}
		}
		return nil
	case "eq", "starts-with":
		name, _ := arr[1].(string)
		want, _ := arr[2].(string)
		got := value(strings.TrimPrefix(name, "$"))
		if (op == "eq" && got != want) || (op != "eq" && !strings.HasPrefix(got, want)) {
			return bad("Policy Condition failed: [%q, %q, %q] (form has %q)", op, name, want, got)
		}
		return nil
	}
	return &cosError{400, "InvalidPolicyDocument", "unknown condition " + op}
}

func hmacHex(key []byte, msg string) string {
	h := hmac.New(sha1.New, key)
	io.WriteString(h, msg)
	return hex.EncodeToString(h.Sum(nil))
}
