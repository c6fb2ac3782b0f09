package fakecos

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Access is a request as CAM sees it, for Server.Authorize: who signed it,
// the COS action (name/cos:PutObject …), the resource
// (qcs::cos:<region>:uid/<appid>:<bucket>/<key>), and the headers (lower-
// case names, values joined) and query params a policy's condition keys
// read (absent when not sent).
type Access struct {
	SecretID string
	Action   string
	Resource string
	Headers  map[string]string
	Params   map[string]string
}

// ActionOf is the CAM action of a request on key ("" for the bucket) with
// query q, as COS names it; "" when this fake serves no such action.
func ActionOf(method, key string, q url.Values) string {
	switch {
	case key == "" && method == http.MethodGet && q.Has("uploads"):
		return "name/cos:ListMultipartUploads"
	case key == "" && method == http.MethodGet:
		return "name/cos:GetBucket"
	case key == "":
		return ""
	case method == http.MethodPost && q.Has("uploads"):
		return "name/cos:InitiateMultipartUpload"
	case method == http.MethodPut && q.Has("uploadId"):
		return "name/cos:UploadPart"
	case method == http.MethodGet && q.Has("uploadId"):
		return "name/cos:ListParts"
	case method == http.MethodPost && q.Has("uploadId"):
		return "name/cos:CompleteMultipartUpload"
	case method == http.MethodDelete && q.Has("uploadId"):
		return "name/cos:AbortMultipartUpload"
	case method == http.MethodPut && q.Has("acl"):
		return "name/cos:PutObjectACL"
	case method == http.MethodPut && q.Has("tagging"):
		return "name/cos:PutObjectTagging"
	case method == http.MethodPut:
		return "name/cos:PutObject"
	case method == http.MethodGet:
		return "name/cos:GetObject"
	case method == http.MethodHead:
		return "name/cos:HeadObject"
	case method == http.MethodDelete:
		return "name/cos:DeleteObject"
	}
	return ""
}

// actPostObject is a form upload's action; its key is the form's.
const actPostObject = "name/cos:PostObject"

// denied is COS's answer to a request its credentials' policy refuses.
func denied(action string) *cosError {
	return &cosError{403, "AccessDenied", "Access Denied. (the credentials' CAM policy does not allow " + action + " here)"}
}

// accessOf describes r, asking for action, for Authorize. The resource of a
// bucket-level ListMultipartUploads is its prefix parameter: CAM's exact
// semantics for it are unverified, and this reading admits a caller's own
// uploads only. A form upload's headers are its multipart request's.
func accessOf(r *http.Request, secretID, action, host, key string, q url.Values) Access {
	bucket, rest, _ := strings.Cut(host, ".cos.")
	region, _, _ := strings.Cut(rest, ".")
	appid := bucket[strings.LastIndexByte(bucket, '-')+1:]
	path := key
	if key == "" {
		path = q.Get("prefix")
	}
	h := map[string]string{}
	for name, vs := range r.Header {
		if name != "Authorization" {
			h[strings.ToLower(name)] = strings.Join(vs, ", ")
		}
	}
	delete(h, "content-length")
	if r.ContentLength >= 0 { // -1: chunked, no Content-Length sent
		h["content-length"] = strconv.FormatInt(r.ContentLength, 10)
	}
	params := map[string]string{}
	for name, vs := range q {
		params[name] = vs[0]
	}
	return Access{SecretID: secretID, Action: action,
		Resource: "qcs::cos:" + region + ":uid/" + appid + ":" + bucket + "/" + path, Headers: h, Params: params}
}
