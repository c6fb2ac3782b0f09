package service

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cos-signer/cos-signer/functions/policy"
)

// uploadLimits enforces SIGN_ALLOWED_CONTENT_TYPES and
// SIGN_MAX_CONTENT_LENGTH on every request that creates an object:
//
//   - PUT Object: the caller states type and length (contentType /
//     contentLength, or the headers) and both are signed, so COS refuses an
//     upload that differs;
//   - InitiateMultipartUpload (POST ?uploads): it carries the type the
//     object will have, so the type is checked and signed there;
//   - Upload Part (PUT ?partNumber&uploadId): bounded per part by its signed
//     length (SIGN_MAX_PART_LENGTH, or else SIGN_MAX_CONTENT_LENGTH) and by
//     its number (SIGN_MAX_PARTS), so the whole object is bounded by
//     SIGN_MAX_PARTS × the part limit (parts.go);
//     and signed with an allowed type: re-sent with its params in another
//     letter case, which the signature does not bind, it is a PUT Object;
//   - any other PUT (?acl, ?tagging): as PUT Object, for the same reason;
//   - /post-policy: type and size become the policy's conditions (see
//     postPolicy).
//
// What the caller does not state cannot be signed, so it is refused with a
// message naming a way that does enforce the limit: cos-js-sdk-v5 and
// cos-wx-sdk-v5 leave Content-Type out of what they pass to
// getAuthorization, and part uploads pass no Content-Length.
func (s *Service) uploadLimits(route string, in *input, t *target, op policy.Op) error {
	ct, cl := in.ContentType.s, in.ContentLength.s
	ctSet, clSet := in.ContentType.set && ct != "", in.ContentLength.set && cl != ""
	var ctName, clName string
	for name, v := range t.headers {
		switch {
		case strings.EqualFold(name, "content-type"):
			if ctSet && v != ct {
				return badRequest("InvalidField", "contentType and the Content-Type header differ")
			}
			ct, ctSet, ctName = v, ctSet || v != "", name
		case strings.EqualFold(name, "content-length"):
			if clSet && strings.TrimSpace(v) != strings.TrimSpace(cl) {
				return badRequest("InvalidField", "contentLength and the Content-Length header differ")
			}
			cl, clSet, clName = v, clSet || v != "", name
		}
	}
	if clSet {
		n, aerr := statedLength(cl)
		if aerr != nil {
			return aerr
		}
		t.contentLength = n
	}
	if ctSet {
		t.contentType = ct
	}
	creates := route == routePostPolicy || op.BindsType()
	sized := route == routePostPolicy || op.BindsLength()
	types, maxLen := s.cfg.AllowedContentTypes, s.cfg.MaxContentLength
	if op == policy.OpPart && route != routePostPolicy {
		if aerr := s.checkPartNumber(t); aerr != nil {
			return aerr
		}
		maxLen, _ = s.cfg.PartLimit()
	}
	if creates && ctSet && types.Set() {
		if aerr := s.checkType(ct, "content type"); aerr != nil {
			return aerr
		}
	}
	if sized && clSet {
		check := s.checkLength
		if op == policy.OpPart && route != routePostPolicy {
			check = s.checkPartLength
		}
		if aerr := check(t.contentLength); aerr != nil {
			return aerr
		}
	}
	if route == routePostPolicy {
		return nil
	}
	if creates && types.Set() && !ctSet {
		what := "contentType is required: uploads are limited to SIGN_ALLOWED_CONTENT_TYPES and the type must be signed"
		if op == policy.OpPart {
			what = "contentType is required for a part: uploads are limited to SIGN_ALLOWED_CONTENT_TYPES, and a part URL re-sent with its params in another letter case (which the signature does not bind) is a PUT Object, so a part is signed with an allowed type (COS ignores a part's Content-Type)"
		}
		return badRequest("MissingContentType", what+unboundHint(route))
	}
	if sized && maxLen > 0 && !clSet {
		what := "contentLength is required: uploads are limited by SIGN_MAX_CONTENT_LENGTH and the length must be signed"
		if op == policy.OpPart {
			_, name := s.cfg.PartLimit()
			what = "contentLength is required for a part: parts are limited by " + name + " and each part's length must be signed"
		}
		return badRequest("MissingContentLength", what+unboundHint(route))
	}
	// Sign what was stated, limits or not, so COS refuses anything else.
	signType, signLen := creates && ctSet && ctName == "", sized && clSet && clName == ""
	if signType || signLen {
		if t.headers == nil {
			t.headers = make(map[string]string, 2)
		}
		if signType {
			t.headers["Content-Type"] = ct
		}
		if signLen {
			t.headers["Content-Length"] = strconv.FormatInt(t.contentLength, 10)
		}
	}
	return nil
}

// statedLength reads a stated contentLength (or Content-Length header):
// a whole number of bytes, spaces around it ignored.
func statedLength(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("InvalidContentLength", fmt.Sprintf("contentLength must be a whole number of bytes, got %s", truncate(strconv.Quote(v), 40)))
	}
	return n, nil
}

// checkLength admits a stated length under SIGN_MAX_CONTENT_LENGTH.
func (s *Service) checkLength(n int64) error {
	if maxLen := s.cfg.MaxContentLength; maxLen > 0 && n > maxLen {
		return forbidden("ContentLengthNotAllowed", fmt.Sprintf("content length %d is more than the maximum of %d bytes (SIGN_MAX_CONTENT_LENGTH)", n, maxLen))
	}
	return nil
}

// unboundHint says, on /auth, why the SDKs cannot satisfy a limit there
// and what does enforce it.
func unboundHint(route string) string {
	if route != routeAuth {
		return ""
	}
	return ". cos-js-sdk-v5 and cos-wx-sdk-v5 do not pass Content-Type to getAuthorization, and part uploads pass no Content-Length, so /auth cannot enforce this limit for them: " +
		"sign the upload with /presign (or /batch for parts) giving contentType and contentLength, upload with the fields of /post-policy, or hand the client /sts credentials whose policy carries the limits"
}

// checkType admits a Content-Type value under SIGN_ALLOWED_CONTENT_TYPES:
// one media type, printable ASCII, no list; active types (HTML, SVG, XML,
// JavaScript) only when listed by name.
func (s *Service) checkType(v, what string) error {
	mt, ok, err := s.cfg.AllowedContentTypes.Check(v)
	if err != nil {
		return badRequest("InvalidContentType", fmt.Sprintf("%s %s: %v", what, quoteName(v), err))
	}
	if !ok {
		msg := fmt.Sprintf("%s %s is not allowed (SIGN_ALLOWED_CONTENT_TYPES: %s)", what, quoteName(v), s.cfg.AllowedContentTypes)
		if policy.Active(mt) {
			msg += "; it can run script in a browser, so it passes only when listed by name"
		}
		return forbidden("ContentTypeNotAllowed", msg)
	}
	return nil
}

// checkResponseType: response-content-type makes COS serve an object with
// another type, so it obeys the upload type rules.
func (s *Service) checkResponseType(t *target) error {
	if !s.cfg.AllowedContentTypes.Set() {
		return nil
	}
	if v, ok := t.params["response-content-type"]; ok {
		return s.checkType(v, "response-content-type")
	}
	return nil
}
