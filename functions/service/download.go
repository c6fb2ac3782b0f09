package service

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/signer"
	"github.com/cos-signer/cos-signer/signer/cdnauth"
)

// What a download adds to the key policy: Cloud Infinite processing
// (SIGN_CI_PROCESSING) and URLs signed by the CDN's URL authentication
// (CDN_*).

// processingRefused answers processing that policy refused: a
// ProcessingError is the caller's (400 InvalidProcessing); anything else
// is ours.
func processingRefused(err error) error {
	var pe *policy.ProcessingError
	if errors.As(err, &pe) {
		return badRequest("InvalidProcessing", pe.Reason)
	}
	return err
}

// checkProcessing admits the processing a request carries, the SDK way
// (a param name) or as the process field, by family; the params it covers
// are checked here, not against SIGN_ALLOWED_PARAMS.
func (s *Service) checkProcessing(t *target, route string, in *input) error {
	if in.Process.set {
		if route != routeDownload && route != routePresign {
			return badRequest("InvalidField", "process is a field of /download and /presign; /auth takes processing the SDK way, as a param name (Query)")
		}
		extra, err := policy.ParseProcess(in.Process.s)
		if err != nil {
			return processingRefused(err)
		}
		if t.params == nil {
			t.params = make(map[string]string, len(extra))
		}
		for name, v := range extra {
			// The process field's names are held to COS's spellings like
			// params' (policy.CheckParamName), and never repeat one.
			if err := policy.CheckParamName(name); err != nil {
				return badRequest("InvalidProcessing", "process: "+err.Error())
			}
			for have := range t.params {
				if strings.EqualFold(have, name) {
					return badRequest("InvalidProcessing", fmt.Sprintf("process and params both name %s: send the processing once", quoteName(name)))
				}
			}
			t.params[name] = v
		}
	}
	p, err := policy.ProcessingOf(t.params)
	switch {
	case err != nil:
		return processingRefused(err)
	case p == nil:
		return nil
	case t.method != "GET" && t.method != "HEAD":
		return badRequest("InvalidProcessing", fmt.Sprintf("processing (%s) is signed on downloads only (GET, HEAD), not on %s", truncate(p.Text, 80), t.method))
	case t.key == "":
		return badRequest("InvalidProcessing", "processing needs an object key")
	}
	if f := s.cfg.Processing.Missing(p.Families); f != "" {
		return forbidden("ProcessingNotAllowed", fmt.Sprintf("processing family %s (%s) is not allowed (SIGN_CI_PROCESSING: %s)%s",
			f, truncate(p.Text, 80), s.cfg.Processing, familyRisk[f]))
	}
	t.processing = p
	return nil
}

// familyRisk says why a family passes only by name.
var familyRisk = map[policy.Family]string{
	policy.FamilyInfo:           "; info passes only by name, never through *: exif holds where a photo was taken (GPS)",
	policy.FamilyImageWatermark: "; image-watermark passes only by name, never through *: it reads a second object named in the URL",
	policy.FamilyDocHTML:        "; doc-html passes only by name, never through *: it serves HTML with script from the bucket's domain",
	policy.FamilyOrigin:         "; origin passes only by name, never through *: it serves the original that 原图保护 protects",
}

// processes: name is one of the params the request's processing covers.
func (t *target) processes(name string) bool {
	if t.processing == nil {
		return false
	}
	_, ok := t.processing.Params[name]
	return ok
}

// viaOf reads the via field: "cdn" or "cos", /download only; by default a
// download goes through the CDN when one is configured.
func (s *Service) viaOf(route string, in *input) (string, error) {
	v := strings.ToLower(strings.TrimSpace(in.Via))
	switch {
	case v != "" && route != routeDownload:
		return "", badRequest("InvalidField", "via is a field of /download: /presign and the SDK routes sign for COS")
	case route != routeDownload:
		return "", nil
	case v == "" && s.cfg.CDN.On():
		return "cdn", nil
	case v == "":
		return "cos", nil
	case v == "cos":
		return v, nil
	case v == "cdn" && !s.cfg.CDN.On():
		return "", badRequest("InvalidField", "via=cdn: this deployment has no CDN (CDN_DOMAIN is not set)")
	case v == "cdn":
		return v, nil
	}
	return "", badRequest("InvalidField", fmt.Sprintf("via must be cdn or cos, got %s", quoteName(in.Via)))
}

// cdnNotConfigured is the 503 a CDN configured in part answers (/healthz,
// and downloads through it), naming what is missing; nil otherwise.
func (s *Service) cdnNotConfigured() error {
	c := s.cfg.CDN
	if len(c.Missing) == 0 {
		return nil
	}
	set := "CDN_* variables are set"
	if c.Domain != "" {
		set = "CDN_DOMAIN is set"
	}
	return &apiError{http.StatusServiceUnavailable, "ServiceNotConfigured",
		fmt.Sprintf("cannot sign through the CDN: %s, but not %s (set them, or unset every CDN_* variable)", set, strings.Join(c.Missing, ", "))}
}

// cdnDownload answers a download through the CDN, after the key policy
// passed t: the CDN's own URL authentication (cdnauth) over the key's URL
// path, timed so that the CDN stops accepting the URL at the expiry asked.
func (s *Service) cdnDownload(t *target, now time.Time) (any, string, error) {
	c := &s.cfg.CDN
	if err := s.cdnNotConfigured(); err != nil {
		return nil, "", err
	}
	if !strings.EqualFold(t.bucket, s.cfg.Bucket) || t.region != "" && t.region != s.cfg.Endpoint.Region {
		return nil, "", badRequest("CDNNotForBucket", "via=cdn serves COS_BUCKET in COS_REGION only (CDN_DOMAIN's origin): use via=cos for another bucket or region")
	}
	if len(t.headers) > 0 {
		return nil, "", badRequest("CDNQueryNotSupported", "a CDN-signed URL binds no headers: use via=cos to have headers signed")
	}
	var unsigned []string
	for name := range t.params {
		unsigned = append(unsigned, name)
	}
	slices.Sort(unsigned)
	if len(unsigned) > 0 && !c.AllowQuery {
		return nil, "", badRequest("CDNQueryNotSupported", fmt.Sprintf("the CDN's Type%c signature covers the path only, so %s would ride unsigned (a holder could drop or change them): use via=cos, or set CDN_ALLOW_QUERY=true to append them unsigned",
			c.Auth.Type, policy.QuoteNames(unsigned)))
	}
	expires := t.window.End // now + expired
	if expires-now.Unix() > c.TTL {
		return nil, "", badRequest("InvalidExpired", fmt.Sprintf("expired %d is more than CDN_AUTH_TTL (%d seconds), how long the CDN accepts a URL after its timestamp: a timestamp in the future is not documented to work", expires-now.Unix(), c.TTL))
	}
	// The CDN refuses a URL once ts + TTL < now: ts = expiry - TTL.
	ts := expires - c.TTL
	if ts <= 0 {
		return nil, "", badRequest("InvalidExpired", "CDN_AUTH_TTL is longer than the time since 1970: no timestamp makes the URL expire when asked")
	}
	nonce := ""
	if c.Auth.Type == cdnauth.TypeA {
		nonce = rand.Text() // 26 of A-Z and 2-7
	}
	signed, err := cdnauth.Sign(c.Auth, signer.URLPath(t.key), ts, c.TTL, nonce)
	if err != nil {
		return nil, "", &apiError{http.StatusInternalServerError, "InternalError", "the CDN URL could not be signed: " + err.Error()}
	}
	u := s.cdnScheme() + "://" + c.Domain + signed.PathQuery
	if len(unsigned) > 0 {
		sep := "?"
		if strings.Contains(signed.PathQuery, "?") {
			sep = "&"
		}
		u += sep + unsignedQuery(t.params, unsigned)
	}
	a := &presignAnswer{
		URL: u, Method: "GET", Headers: map[string]string{}, Key: t.key,
		StartTime: now.Unix(), ExpiredTime: signed.Expires, ServerTime: now.Unix(),
		Via: "cdn", Unsigned: unsigned,
	}
	a.setProcessing(t.processing)
	return a, u, nil
}

func (s *Service) cdnScheme() string {
	if sc := s.cfg.Endpoint.Scheme; sc != "" {
		return strings.ToLower(sc)
	}
	return "https"
}

// unsignedQuery writes params after a CDN signature: a processing
// pipeline as the CI documents write it (the name alone), others
// percent-encoded.
func unsignedQuery(params map[string]string, names []string) string {
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		v := params[name]
		if v == "" && policy.IsPipelineName(name) {
			b.WriteString(name) // printable, without &#?% (policy.ProcessingOf)
			continue
		}
		b.WriteString(url.QueryEscape(name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	return b.String()
}
