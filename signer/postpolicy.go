package signer

import (
	"encoding/base64"
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
	key := r.Key
	if key != "" && key[0] == '/' {
		key = key[1:]
	}
	switch {
	case r.Key != "" && key == "":
		return PostPolicy{}, errorf(CodeInvalidKey, "key \"/\" names the bucket, not an object")
	case r.Key != "" && r.KeyPrefix != "":
		return PostPolicy{}, errorf(CodeInvalidPolicy, "give either a key or a key prefix, not both")
	case !utf8.ValidString(key) || !utf8.ValidString(r.KeyPrefix):
		return PostPolicy{}, errorf(CodeInvalidKey, "key is not valid UTF-8")
	case r.ContentType != "" && r.ContentTypePrefix != "":
		return PostPolicy{}, errorf(CodeInvalidPolicy, "give either a content type or a content type prefix, not both")
	case !printable(r.ContentType) || !printable(r.ContentTypePrefix) || !utf8.ValidString(r.ContentType+r.ContentTypePrefix):
		return PostPolicy{}, errorf(CodeInvalidPolicy, "content type holds control characters")
	case r.MaxContentLength < 0 || r.MinContentLength < 0 || (r.MaxContentLength > 0 && r.MinContentLength > r.MaxContentLength):
		return PostPolicy{}, errorf(CodeInvalidPolicy, "content length range [%d, %d] is not valid", r.MinContentLength, r.MaxContentLength)
	case r.MaxContentLength == 0 && r.MinContentLength > 0:
		return PostPolicy{}, errorf(CodeInvalidPolicy, "a minimum content length needs a maximum too")
	}
	switch r.SuccessActionStatus {
	case 0, 200, 201, 204:
	default:
		return PostPolicy{}, errorf(CodeInvalidPolicy, "success_action_status must be 200, 201 or 204, got %d", r.SuccessActionStatus)
	}

	kt := appendInt(nil, r.Window.Start)
	kt = append(kt, ';')
	kt = appendInt(kt, r.Window.End)

	p := make([]byte, 0, 512)
	p = append(p, `{"expiration":"`...)
	p = time.Unix(r.Window.End, 0).UTC().AppendFormat(p, "2006-01-02T15:04:05.000Z")
	p = append(p, `","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":`...)
	p = appendJSONString(p, s.id)
	p = append(p, `},{"q-sign-time":"`...)
	p = append(p, kt...)
	p = append(p, `"},{"bucket":`...)
	p = appendJSONString(p, r.Bucket)
	p = append(p, '}')
	if key != "" {
		p = append(p, `,{"key":`...)
		p = appendJSONString(p, key)
		p = append(p, '}')
	} else {
		p = append(p, `,["starts-with","$key",`...)
		p = appendJSONString(p, r.KeyPrefix)
		p = append(p, ']')
	}
	if r.ContentType != "" {
		p = append(p, `,{"Content-Type":`...)
		p = appendJSONString(p, r.ContentType)
		p = append(p, '}')
	} else if r.ContentTypePrefix != "" {
		p = append(p, `,["starts-with","$Content-Type",`...)
		p = appendJSONString(p, r.ContentTypePrefix)
		p = append(p, ']')
	}
	if r.MaxContentLength > 0 {
		p = append(p, `,["content-length-range",`...)
		p = appendInt(p, r.MinContentLength)
		p = append(p, ',')
		p = appendInt(p, r.MaxContentLength)
		p = append(p, ']')
	}
	if r.SuccessActionStatus != 0 {
		p = append(p, `,{"success_action_status":"`...)
		p = appendInt(p, int64(r.SuccessActionStatus))
		p = append(p, `"}`...)
	}
	p = append(p, "]}"...)

	policy := string(p)
	fields := s.signPolicy(policy, kt)
	if key != "" {
		fields["key"] = key
	}
	if r.ContentType != "" {
		fields["Content-Type"] = r.ContentType
	}
	if r.SuccessActionStatus != 0 {
		fields["success_action_status"] = string(appendInt(nil, int64(r.SuccessActionStatus)))
	}
	u := make([]byte, 0, len(s.ep.scheme)+4+len(urlHost))
	u = append(u, s.ep.scheme...)
	u = append(u, "://"...)
	u = append(u, urlHost...)
	u = append(u, '/')
	return PostPolicy{URL: string(u), Policy: policy, Fields: fields, Window: r.Window}, nil
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
	kt := appendInt(nil, w.Start)
	kt = append(kt, ';')
	kt = appendInt(kt, w.End)
	return s.signPolicy(policy, kt), nil
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

// appendJSONString writes s as a JSON string the way JSON.stringify does:
// UTF-8 kept as it is, only '"', '\\' and control characters escaped. (The
// policy's bytes are what is signed, so the form matters.)
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
