package signer

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PostPolicyRequest describes a form upload (COS PostObject) from a browser
// or wx.uploadFile: what the signed policy lets the form do.
type PostPolicyRequest struct {
	Bucket string
	Region string // overrides the signer's region
	// Key is the exact key the form must post. When it is empty, every key
	// must start with KeyPrefix (an empty KeyPrefix admits any key).
	Key       string
	KeyPrefix string
	// ContentType is the exact Content-Type the form must post;
	// ContentTypePrefix (such as "image/") a prefix it must start with.
	ContentType       string
	ContentTypePrefix string
	// MaxContentLength > 0 bounds the file to [MinContentLength, MaxContentLength] bytes.
	MinContentLength, MaxContentLength int64
	// SuccessActionStatus (200, 201 or 204) is how COS answers a successful
	// upload; 0 leaves COS's default (204).
	SuccessActionStatus int
	Window              Window
}

// PostPolicy is what a form needs to upload.
type PostPolicy struct {
	// URL is where the form posts: the bucket's root.
	URL string
	// Policy is the JSON text that was signed (base64 in Fields["policy"]).
	Policy string
	// Fields are the form fields to send before the file, which goes last.
	Fields map[string]string
	Window Window
}

// PostPolicy builds and signs a policy (spec §9). Its conditions bind the
// bucket, the key or key prefix, and the content type and size when given.
func (s *Signer) PostPolicy(r *PostPolicyRequest) (PostPolicy, error) {
	if err := r.Window.check(); err != nil {
		return PostPolicy{}, err
	}
	var hostArr [128]byte
	urlHost, err := s.ep.appendURLHost(hostArr[:0], r.Bucket, r.Region)
	if err != nil {
		return PostPolicy{}, err
	}
	key, err := r.check()
	if err != nil {
		return PostPolicy{}, err
	}
	kt := appendKeyTime(nil, r.Window, ";")
	policy, err := policyText(r.conditions(s.id, key, kt), r.Window.End)
	if err != nil {
		return PostPolicy{}, err
	}
	fields := s.signPolicy(policy, kt)
	if key != "" {
		fields["key"] = key
	}
	if r.ContentType != "" {
		fields["Content-Type"] = r.ContentType
	}
	if r.SuccessActionStatus != 0 {
		fields["success_action_status"] = strconv.Itoa(r.SuccessActionStatus)
	}
	url := s.ep.scheme + "://" + string(urlHost) + "/"
	return PostPolicy{URL: url, Policy: policy, Fields: fields, Window: r.Window}, nil
}

// check refuses a request no policy can express, and returns the key
// without its leading separator.
func (r *PostPolicyRequest) check() (key string, err error) {
	key = strings.TrimPrefix(r.Key, "/")
	switch {
	case r.Key != "" && key == "":
		return "", errorf(CodeInvalidKey, "key \"/\" names the bucket, not an object")
	case r.Key != "" && r.KeyPrefix != "":
		return "", errorf(CodeInvalidPolicy, "give either a key or a key prefix, not both")
	case !utf8.ValidString(key) || !utf8.ValidString(r.KeyPrefix):
		return "", errorf(CodeInvalidKey, "key is not valid UTF-8")
	case r.ContentType != "" && r.ContentTypePrefix != "":
		return "", errorf(CodeInvalidPolicy, "give either a content type or a content type prefix, not both")
	case !printable(r.ContentType) || !printable(r.ContentTypePrefix) || !utf8.ValidString(r.ContentType+r.ContentTypePrefix):
		return "", errorf(CodeInvalidPolicy, "content type holds control characters")
	case r.MaxContentLength < 0 || r.MinContentLength < 0 || (r.MaxContentLength > 0 && r.MinContentLength > r.MaxContentLength):
		return "", errorf(CodeInvalidPolicy, "content length range [%d, %d] is not valid", r.MinContentLength, r.MaxContentLength)
	case r.MaxContentLength == 0 && r.MinContentLength > 0:
		return "", errorf(CodeInvalidPolicy, "a minimum content length needs a maximum too")
	}
	switch r.SuccessActionStatus {
	case 0, 200, 201, 204:
		return key, nil
	}
	return "", errorf(CodeInvalidPolicy, "success_action_status must be 200, 201 or 204, got %d", r.SuccessActionStatus)
}

// match is a condition of one member, {"name": "value"}: exactly one field
// is set (each is non-empty where it is used).
type match struct {
	Algorithm           string `json:"q-sign-algorithm,omitempty"`
	SecretID            string `json:"q-ak,omitempty"`
	SignTime            string `json:"q-sign-time,omitempty"`
	Bucket              string `json:"bucket,omitempty"`
	Key                 string `json:"key,omitempty"`
	ContentType         string `json:"Content-Type,omitempty"`
	SuccessActionStatus string `json:"success_action_status,omitempty"`
}

// conditions are the policy's conditions in the order the official SDKs
// write them: the signature's, the bucket, the key, then what r adds. A
// condition is an object of one member (match) or an array.
func (r *PostPolicyRequest) conditions(secretID, key string, kt []byte) []any {
	c := make([]any, 0, 8)
	c = append(c, match{Algorithm: "sha1"}, match{SecretID: secretID}, match{SignTime: string(kt)}, match{Bucket: r.Bucket})
	if key != "" {
		c = append(c, match{Key: key})
	} else {
		c = append(c, [3]string{"starts-with", "$key", r.KeyPrefix})
	}
	if r.ContentType != "" {
		c = append(c, match{ContentType: r.ContentType})
	} else if r.ContentTypePrefix != "" {
		c = append(c, [3]string{"starts-with", "$Content-Type", r.ContentTypePrefix})
	}
	if r.MaxContentLength > 0 {
		c = append(c, [3]any{"content-length-range", r.MinContentLength, r.MaxContentLength})
	}
	if r.SuccessActionStatus != 0 {
		c = append(c, match{SuccessActionStatus: strconv.Itoa(r.SuccessActionStatus)})
	}
	return c
}

// policyText is the policy document as compact JSON. Its bytes are what is
// signed and COS hashes the bytes the form sends, so any valid JSON holds;
// HTML escaping is off so that the text reads as the official SDKs write it
// (JSON.stringify keeps '<', '>' and '&').
func policyText(conditions []any, expires int64) (string, error) {
	doc := struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}{time.Unix(expires, 0).UTC().Format("2006-01-02T15:04:05.000Z"), conditions}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&doc); err != nil {
		return "", errorf(CodeInvalidPolicy, "the policy cannot be written as JSON: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// SignPolicy signs a policy text exactly as given (its bytes are hashed, so
// whitespace and escapes matter) and returns the signature's form fields:
// policy, q-sign-algorithm, q-ak, q-key-time, q-signature, and
// x-cos-security-token with temporary credentials.
func (s *Signer) SignPolicy(policy string, w Window) (map[string]string, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	if !utf8.ValidString(policy) || policy == "" {
		return nil, errorf(CodeInvalidPolicy, "policy must be non-empty UTF-8 JSON text")
	}
	return s.signPolicy(policy, appendKeyTime(nil, w, ";")), nil
}

func (s *Signer) signPolicy(policy string, kt []byte) map[string]string {
	var signKey [40]byte
	s.key.hexSum(&signKey, kt)
	var sts [40]byte
	sha1Hex(&sts, []byte(policy))
	var sig [40]byte
	signing := newHMACKey(signKey[:])
	signing.hexSum(&sig, sts[:])
	f := map[string]string{
		"policy":           base64.StdEncoding.EncodeToString([]byte(policy)),
		"q-sign-algorithm": "sha1",
		"q-ak":             s.id,
		"q-key-time":       string(kt),
		"q-signature":      string(sig[:]),
	}
	if s.token != "" {
		f[tokenName] = s.token
	}
	return f
}
