package service

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/signer"
)

// signOne answers /auth, /presign and /download.
//
// /auth: {authorization, Authorization, securityToken?, SecurityToken?,
// XCosSecurityToken?, startTime, expiredTime, serverTime, host, headers} —
// the capitalised names are the aliases the SDKs' getAuthorization callback
// reads, so the answer can be handed to it as it is.
//
// /presign and /download: {url, method, headers, key, startTime,
// expiredTime, serverTime}; key is the normalised (or server-chosen) key.
func (s *Service) signOne(route string, in *input, id *auth.Identity, now time.Time, le *logEntry) ([]byte, string, *apiError) {
	var t target
	if aerr := s.prepare(&t, route, in, id, now, le); aerr != nil {
		return nil, "", aerr
	}
	r := t.request()
	o := newObj(make([]byte, 0, 512))
	switch route {
	case routeAuth:
		a, err := s.signer.Authorization(r)
		if err != nil {
			return nil, "", fromSignerError(err)
		}
		o.str("authorization", a.Authorization)
		o.str("Authorization", a.Authorization)
		if tok := s.signer.SessionToken(); tok != "" {
			o.str("securityToken", tok)
			o.str("SecurityToken", tok)
			o.str("XCosSecurityToken", tok)
		}
		o.int("startTime", a.Window.Start)
		o.int("expiredTime", a.Window.End)
		o.int("serverTime", now.Unix())
		o.str("host", a.Host)
		o.strMap("headers", a.Headers)
		o.str("key", t.key)
		return o.close(), "", nil
	default:
		var p signer.Presigned
		var err error
		if route == routeDownload {
			p, err = s.signer.PresignDownloadURL(r)
		} else {
			p, err = s.signer.PresignURL(r)
		}
		if err != nil {
			return nil, "", fromSignerError(err)
		}
		o.str("url", p.URL)
		o.str("method", p.Method)
		o.strMap("headers", p.Headers)
		o.str("key", t.key)
		o.int("startTime", p.Window.Start)
		o.int("expiredTime", p.Window.End)
		o.int("serverTime", now.Unix())
		return o.close(), p.URL, nil
	}
}

// postPolicy answers /post-policy: the fields of a browser form or a
// wx.uploadFile POST upload, bound to one key.
//
// Answer: {url, key, bucket, region, fields:{key, policy (base64),
// q-sign-algorithm, q-ak, q-key-time, q-signature, Content-Type?,
// success_action_status?, x-cos-security-token?}, policy (the signed JSON
// text), policyBase64, startTime, expiredTime, serverTime}, plus the flat
// names Tencent's mini-program demos read: cosHost, cosKey, qSignAlgorithm,
// qAk, qKeyTime, qSignature, securityToken (with temporary credentials).
func (s *Service) postPolicy(in *input, id *auth.Identity, now time.Time, le *logEntry) ([]byte, *apiError) {
	var t target
	if aerr := s.prepare(&t, routePostPolicy, in, id, now, le); aerr != nil {
		return nil, aerr
	}
	if t.key == "" {
		return nil, forbidden("KeyNotAllowed", "a POST policy must name one object")
	}
	pr := &signer.PostPolicyRequest{Bucket: t.bucket, Region: t.region, Key: t.key, Window: t.window}
	types := s.cfg.AllowedContentTypes
	switch {
	case t.contentType != "":
		pr.ContentType = t.contentType
	case types.Set():
		// The policy binds exactly what the check admits: one type. A
		// starts-with condition for image/* would admit "image/png,
		// text/html" and image/svg+xml, which the check refuses.
		mt, ok := types.Single()
		if !ok {
			return nil, badRequest("MissingContentType", "contentType is required: uploads are limited to SIGN_ALLOWED_CONTENT_TYPES, and a POST policy binds the one type given")
		}
		pr.ContentType = mt
	}
	switch {
	case s.cfg.MaxContentLength > 0:
		pr.MaxContentLength = s.cfg.MaxContentLength
		if t.contentLength >= 0 && t.contentLength < pr.MaxContentLength {
			pr.MaxContentLength = max(t.contentLength, 1)
		}
	case t.contentLength > 0:
		pr.MaxContentLength = t.contentLength
	}
	if in.SuccessActionStatus.set {
		n, err := strconv.Atoi(strings.TrimSpace(in.SuccessActionStatus.s))
		if err != nil {
			return nil, badRequest("InvalidField", "successActionStatus must be 200, 201 or 204")
		}
		pr.SuccessActionStatus = n
	}
	pp, err := s.signer.PostPolicy(pr)
	if err != nil {
		return nil, fromSignerError(err)
	}
	o := newObj(make([]byte, 0, 2048))
	o.str("url", pp.URL)
	o.str("key", t.key)
	o.str("bucket", t.bucket)
	if t.region != "" {
		o.str("region", t.region)
	} else if s.cfg.Endpoint.Region != "" {
		o.str("region", s.cfg.Endpoint.Region)
	}
	o.strMap("fields", pp.Fields)
	o.str("policy", pp.Policy)
	o.str("policyBase64", pp.Fields["policy"])
	o.int("startTime", pp.Window.Start)
	o.int("expiredTime", pp.Window.End)
	o.int("serverTime", now.Unix())
	host := strings.TrimSuffix(pp.URL[strings.Index(pp.URL, "://")+3:], "/")
	o.str("cosHost", host)
	o.str("cosKey", t.key)
	o.str("qSignAlgorithm", pp.Fields["q-sign-algorithm"])
	o.str("qAk", pp.Fields["q-ak"])
	o.str("qKeyTime", pp.Fields["q-key-time"])
	o.str("qSignature", pp.Fields["q-signature"])
	if tok := s.signer.SessionToken(); tok != "" {
		o.str("securityToken", tok)
	}
	return o.close(), nil
}

// batch answers /batch: {results:[…], serverTime}. Each entry of requests
// is a request body of its own (action defaults to presign; the batch
// body's other fields are defaults for every entry, so a multipart upload's
// part URLs need only {params:{partNumber, uploadId}} each) and gets its own
// answer or {"error":{code, message, requestId, status}}: one bad entry
// never fails the others.
func (s *Service) batch(in *input, id *auth.Identity, now time.Time, le *logEntry) ([]byte, *apiError) {
	if in.Requests == nil {
		return nil, badRequest("MissingRequests", "requests is required: an array of request objects")
	}
	if len(in.Requests) == 0 {
		return nil, badRequest("MissingRequests", "requests is empty")
	}
	if len(in.Requests) > s.cfg.MaxBatch {
		return nil, badRequest("BatchTooLarge", fmt.Sprintf("requests holds %d entries; the maximum is %d (SIGN_MAX_BATCH)", len(in.Requests), s.cfg.MaxBatch))
	}
	base := *in
	base.Action, base.Requests = "", nil
	le.entries = len(in.Requests)
	out := make([]byte, 0, 512*len(in.Requests))
	out = append(out, `{"results":[`...)
	for i, raw := range in.Requests {
		if i > 0 {
			out = append(out, ',')
		}
		body, aerr := s.batchEntry(&base, raw, id, now)
		if aerr != nil {
			le.refused++
			o := newObj(out)
			o.raw("error", errorObject(aerr, le.requestID, true))
			out = o.close()
			continue
		}
		out = append(out, body...)
	}
	out = append(out, `],"serverTime":`...)
	out = strconv.AppendInt(out, now.Unix(), 10)
	return append(out, '}'), nil
}

func (s *Service) batchEntry(base *input, raw json.RawMessage, id *auth.Identity, now time.Time) ([]byte, *apiError) {
	e := *base
	e.Headers, e.Params, e.Query = cloneScalars(base.Headers), cloneScalars(base.Params), cloneScalars(base.Query)
	// raw is one element of a decoded array, never blank, so decodeJSON
	// fails exactly as json.Unmarshal with jsonError would.
	if aerr := decodeJSON(raw, &e); aerr != nil {
		return nil, aerr
	}
	route := routePresign
	if e.Action != "" {
		route = routeOfAction(e.Action)
	}
	var le logEntry
	switch route {
	case routeAuth, routePresign, routeDownload:
		body, _, err := s.signOne(route, &e, id, now, &le)
		return body, err
	case routePostPolicy:
		return s.postPolicy(&e, id, now, &le)
	}
	return nil, badRequest("UnknownAction", fmt.Sprintf("action %s cannot be batched: use auth, presign, download or post-policy", truncate(strconv.Quote(e.Action), 40)))
}

func cloneScalars(m map[string]scalar) map[string]scalar {
	if m == nil {
		return nil
	}
	c := make(map[string]scalar, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
