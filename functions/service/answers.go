package service

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/signer"
)

// signOne answers /auth, /presign and /download.
//
// /auth answers an authAnswer, /presign and /download a presignAnswer.
func (s *Service) signOne(route string, in *input, id *auth.Identity, now time.Time, le *logEntry) (any, string, error) {
	via, err := s.viaOf(route, in)
	if err != nil {
		return nil, "", err
	}
	var t target
	if err := s.prepare(&t, route, in, id, now, le); err != nil {
		return nil, "", err
	}
	if t.processing != nil {
		le.families = t.processing.Families
	}
	le.via = via
	if !s.cfg.CDN.On() && in.Via == "" {
		le.via = "" // without a CDN, every download is a COS one: answers and logs stay as they were
	}
	if via == "cdn" {
		return s.cdnDownload(&t, now)
	}
	r := t.request()
	switch route {
	case routeAuth:
		a, err := t.keys.signer.Authorization(r)
		if err != nil {
			return nil, "", fromSignerError(err)
		}
		tok := t.keys.signer.SessionToken()
		return &authAnswer{
			Authorization: a.Authorization, AuthorizationSDK: a.Authorization,
			SecurityToken: tok, SecurityTokenSDK: tok, XCosSecurityToken: tok,
			StartTime: a.Window.Start, ExpiredTime: a.Window.End, ServerTime: now.Unix(),
			Host: a.Host, Headers: orEmpty(a.Headers), Key: t.key,
		}, "", nil
	default:
		var p signer.Presigned
		var err error
		if route == routeDownload {
			p, err = t.keys.signer.PresignDownloadURL(r)
		} else {
			p, err = t.keys.signer.PresignURL(r)
		}
		if err != nil {
			return nil, "", fromSignerError(err)
		}
		a := &presignAnswer{
			URL: p.URL, Method: p.Method, Headers: orEmpty(p.Headers), Key: t.key,
			StartTime: p.Window.Start, ExpiredTime: p.Window.End, ServerTime: now.Unix(), Via: le.via,
		}
		a.setProcessing(t.processing)
		return a, p.URL, nil
	}
}

// postPolicy answers /post-policy: the fields of a browser form or a
// wx.uploadFile POST upload, bound to one key.
// The answer is a postPolicyAnswer; fields holds key, policy (base64),
// q-sign-algorithm, q-ak, q-key-time, q-signature, and Content-Type,
// success_action_status and x-cos-security-token when they apply.
func (s *Service) postPolicy(in *input, id *auth.Identity, now time.Time, le *logEntry) (any, error) {
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
	case t.contentLength >= 0:
		pr.MaxContentLength = max(t.contentLength, 1)
	default:
		// An unbounded form would let its holder upload any size until it
		// expires: the policy always carries a range.
		return nil, badRequest("MissingContentLength", "contentLength is required: a POST policy always binds the upload's size, and this service sets no maximum (SIGN_MAX_CONTENT_LENGTH); give the file's size in bytes")
	}
	if in.SuccessActionStatus.set {
		n, err := strconv.Atoi(strings.TrimSpace(in.SuccessActionStatus.s))
		if err != nil {
			return nil, badRequest("InvalidField", "successActionStatus must be 200, 201 or 204")
		}
		pr.SuccessActionStatus = n
	}
	pp, err := t.keys.signer.PostPolicy(pr)
	if err != nil {
		return nil, fromSignerError(err)
	}
	region := t.region
	if region == "" {
		region = s.cfg.Endpoint.Region
	}
	return &postPolicyAnswer{
		URL: pp.URL, Key: t.key, Bucket: t.bucket, Region: region,
		Fields: orEmpty(pp.Fields), Policy: pp.Policy, PolicyBase64: pp.Fields["policy"],
		StartTime: pp.Window.Start, ExpiredTime: pp.Window.End, ServerTime: now.Unix(),
		CosHost:        strings.TrimSuffix(pp.URL[strings.Index(pp.URL, "://")+3:], "/"),
		CosKey:         t.key,
		QSignAlgorithm: pp.Fields["q-sign-algorithm"],
		QAk:            pp.Fields["q-ak"],
		QKeyTime:       pp.Fields["q-key-time"],
		QSignature:     pp.Fields["q-signature"],
		SecurityToken:  t.keys.signer.SessionToken(),
	}, nil
}

// batch answers /batch with a batchAnswer. Each entry of requests
// is a request body of its own (action defaults to presign; the batch
// body's other fields are defaults for every entry, so a multipart upload's
// part URLs need only {params:{partNumber, uploadId}} each) and gets its own
// answer or {"error":{code, message, requestId, status}}: one bad entry
// never fails the others.
func (s *Service) batch(in *input, id *auth.Identity, now time.Time, le *logEntry) (any, error) {
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
	le.batch = make([]batchEntryLog, len(in.Requests))
	out := &batchAnswer{Results: make([]any, len(in.Requests)), ServerTime: now.Unix()}
	size := 0
	for i, raw := range in.Requests {
		el := &le.batch[i]
		body, err := s.batchEntry(&base, raw, id, now, el)
		var entry json.RawMessage
		if err != nil {
			ae := apiErrorOf(err)
			le.refused++
			el.Decision, el.Code = decisionOf(ae.status), ae.code
			entry = marshal(errorObject(ae, le.requestID, true))
		} else {
			el.Decision = "allowed"
			entry = marshal(body)
		}
		// Entries inherit the batch body's headers and params, so a small
		// body can ask for a large answer: stop before it outgrows what the
		// platforms can return.
		if size += len(entry) + 1; size > maxBatchAnswerBytes {
			le.batch = le.batch[:i+1]
			return nil, &apiError{http.StatusRequestEntityTooLarge, "AnswerTooLarge", fmt.Sprintf("the answer to this batch would be over %d bytes (at entry %d of %d): send fewer entries, or fewer headers and params", maxBatchAnswerBytes, i+1, len(in.Requests))}
		}
		out.Results[i] = entry
	}
	return out, nil
}

// maxBatchAnswerBytes bounds a /batch answer: well under the 6 MB an SCF or
// Lambda invocation may return, once an HTTP event escapes it into a JSON
// string.
const maxBatchAnswerBytes = 1 << 20

func (s *Service) batchEntry(base *input, raw json.RawMessage, id *auth.Identity, now time.Time, el *batchEntryLog) (any, error) {
	e := *base
	e.Headers, e.Params, e.Query = maps.Clone(base.Headers), maps.Clone(base.Params), maps.Clone(base.Query)
	if aerr := decodeJSON(raw, &e); aerr != nil {
		return nil, aerr
	}
	route := routePresign
	if e.Action != "" {
		route = routeOfAction(e.Action)
	}
	var le logEntry
	defer func() { el.Route, el.Method, el.Key = route, le.method, truncate(le.key, 256) }()
	switch route {
	case routeAuth, routePresign, routeDownload:
		body, _, err := s.signOne(route, &e, id, now, &le)
		return body, err
	case routePostPolicy:
		return s.postPolicy(&e, id, now, &le)
	}
	return nil, badRequest("UnknownAction", fmt.Sprintf("action %s cannot be batched: use auth, presign, download or post-policy", truncate(strconv.Quote(e.Action), 40)))
}
