package service

import (
	"bytes"
	"encoding/json"

	"github.com/cos-signer/cos-signer/functions/policy"
)

// The answers, as encoding/json writes them (API.md lists them too). Maps
// are written with their names sorted, so answers are stable.

// authAnswer is /auth's answer. Authorization, SecurityToken and
// XCosSecurityToken are the names the SDKs' getAuthorization callback
// reads, so the answer can be handed to it as it is.
type authAnswer struct {
	Authorization     string            `json:"authorization"`
	AuthorizationSDK  string            `json:"Authorization"`
	SecurityToken     string            `json:"securityToken,omitempty"`
	SecurityTokenSDK  string            `json:"SecurityToken,omitempty"`
	XCosSecurityToken string            `json:"XCosSecurityToken,omitempty"`
	StartTime         int64             `json:"startTime"`
	ExpiredTime       int64             `json:"expiredTime"`
	ServerTime        int64             `json:"serverTime"`
	Host              string            `json:"host"`
	Headers           map[string]string `json:"headers"`
	Key               string            `json:"key"`
}

// presignAnswer is the answer of /presign and /download; key is the
// normalised (or server-chosen) key. A processed download says the
// processing as signed and its families; via says which signature a
// download carries when a CDN is configured or asked for; unsigned lists
// the params a CDN URL carries without its signature covering them.
// expiredTime is when the URL stops working: for a CDN URL, when the CDN
// refuses it.
type presignAnswer struct {
	URL         string            `json:"url"`
	Method      string            `json:"method"`
	Headers     map[string]string `json:"headers"`
	Key         string            `json:"key"`
	StartTime   int64             `json:"startTime"`
	ExpiredTime int64             `json:"expiredTime"`
	ServerTime  int64             `json:"serverTime"`
	Process     string            `json:"process,omitempty"`
	Families    []policy.Family   `json:"families,omitempty"`
	Via         string            `json:"via,omitempty"`
	Unsigned    []string          `json:"unsigned,omitempty"`
}

func (a *presignAnswer) setProcessing(p *policy.Processing) {
	if p != nil {
		a.Process, a.Families = p.Text, p.Families
	}
}

// postPolicyAnswer is /post-policy's answer: the form fields of a browser
// or wx.uploadFile POST upload (fields), the signed policy as JSON text and
// in base64, and the flat names Tencent's mini-program demos read (cosHost
// … securityToken).
type postPolicyAnswer struct {
	URL            string            `json:"url"`
	Key            string            `json:"key"`
	Bucket         string            `json:"bucket"`
	Region         string            `json:"region,omitempty"`
	Fields         map[string]string `json:"fields"`
	Policy         string            `json:"policy"`
	PolicyBase64   string            `json:"policyBase64"`
	StartTime      int64             `json:"startTime"`
	ExpiredTime    int64             `json:"expiredTime"`
	ServerTime     int64             `json:"serverTime"`
	CosHost        string            `json:"cosHost"`
	CosKey         string            `json:"cosKey"`
	QSignAlgorithm string            `json:"qSignAlgorithm"`
	QAk            string            `json:"qAk"`
	QKeyTime       string            `json:"qKeyTime"`
	QSignature     string            `json:"qSignature"`
	SecurityToken  string            `json:"securityToken,omitempty"`
}

// batchAnswer is /batch's answer: one entry per request, an answer above
// or an errorAnswer whose error carries its status.
type batchAnswer struct {
	Results    []any `json:"results"`
	ServerTime int64 `json:"serverTime"`
}

// healthAnswer is /healthz's answer.
type healthAnswer struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// errorAnswer is every refusal: {"error":{code, message, requestId}}, plus
// status inside a batch.
type errorAnswer struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	Status    int    `json:"status,omitempty"`
	STSCode   string `json:"stsCode,omitempty"`
}

// marshal writes an answer. HTML is not escaped: answers carry URLs, and
// "&" reads better than "\u0026" to a person with curl. The answers hold
// only strings, numbers and string maps, so encoding cannot fail.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("service: an answer that encoding/json cannot write: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'})
}

// orEmpty keeps a map that is nil written as {}, not null.
func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
