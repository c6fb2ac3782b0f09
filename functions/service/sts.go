package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/signer"
)

// STS request forms.
const (
	stsFormPrefix = "prefix" // {}: every prefix of the caller
	stsFormKey    = "key"    // {ext | filename}: one key the service chooses
	stsFormScope  = "scope"  // {Scope: […]}: the items named, each checked
)

// stsAnswer is /sts's answer: the credentials (sts.Answer) and, per form,
// Bucket, Region and Key (key form) or ScopeLimit (scope form).
type stsAnswer = sts.Answer

// vendSTS answers /sts: temporary credentials whose CAM policy is exactly as
// wide as what the service would sign for the caller, no wider.
func (s *Service) vendSTS(ctx context.Context, in *input, id *auth.Identity, now time.Time, le *logEntry) (*stsAnswer, error) {
	if s.sts == nil {
		return nil, forbidden("STSDisabled", "/sts is off: set STS_MODE to federation or assume-role to vend temporary credentials")
	}
	sub := ""
	if id != nil {
		sub = id.Subject
	}
	writes := id != nil || s.cfg.AllowAnonymousWrites
	cfg := s.sts.Config()
	st := &stsLog{form: stsFormPrefix}
	le.sts = st
	limits := s.stsLimits // a copy: the key form narrows it

	if s.subWidens(sub) {
		return nil, forbidden("IdentityNotUsable", "the caller's identity cannot name a CAM resource (it holds '*', '$', '{' or '}')")
	}
	var bucket, key string
	var grants []sts.Grant
	switch {
	case in.Scope != nil:
		st.form = stsFormScope
		b, g, err := sts.CheckScope(in.Scope, sts.Rules{Region: cfg.Region, BucketAllowed: s.bucketAllowed,
			MethodsAt: func(k string) []string { return s.methodsAt(k, sub) }, Limited: limits.Set(), Writes: writes})
		if err != nil {
			return nil, forbidden("ScopeNotAllowed", err.Error())
		}
		bucket, grants = b, g
	default:
		b, aerr := s.stsBucket(in, cfg.Region)
		if aerr != nil {
			return nil, aerr
		}
		bucket = b
		if in.Ext != "" || in.Filename != "" {
			st.form = stsFormKey
			k, g, aerr := s.stsKeyGrant(in, sub, &limits)
			if aerr != nil {
				return nil, aerr
			}
			key, grants = k, []sts.Grant{g}
			le.key = key
		} else if grants, aerr = s.stsPrefixGrants(sub); aerr != nil {
			return nil, aerr
		}
	}
	le.bucket = bucket
	p, err := sts.BuildPolicy(sts.Target{Region: cfg.Region, Bucket: bucket}, grants, limits, writes)
	if err != nil {
		if !writes && errors.Is(err, sts.ErrNoAction) {
			return nil, forbidden("AnonymousWriteRefused", fmt.Sprintf("the caller may only write here, and writes need an authenticated caller (AUTH_MODE is %s and SIGN_ALLOW_ANONYMOUS_WRITES is false)", s.authMode))
		}
		return nil, forbidden("ScopeNotAllowed", err.Error())
	}
	st.resources = p.Resources()
	creds, hit, serr := s.sts.Vend(ctx, sub, p, st.form != stsFormKey)
	if serr != nil {
		st.requestID, st.failure = serr.RequestID, serr
		return nil, &apiError{serr.Status, serr.Code, serr.Message}
	}
	st.vended, st.cacheHit, st.tmpSecretID, st.requestID = true, hit, creds.TmpSecretID, creds.RequestID
	a := sts.NewAnswer(creds, now)
	switch st.form {
	case stsFormScope:
		a.ScopeLimit = true
	case stsFormKey:
		a.Bucket, a.Region, a.Key = bucket, cfg.Region, key
	}
	return &a, nil
}

// stsFailure completes the error of a refusal that came from STS with
// error.stsCode (STS's own code), and returns the seconds of its
// Retry-After (0 for none; STS throttling sets it).
func stsFailure(le *logEntry, d *errorDetail) (retryAfter int) {
	if le.sts == nil || le.sts.failure == nil {
		return 0
	}
	d.STSCode = le.sts.failure.STSCode
	return le.sts.failure.RetryAfter
}

// subWidens: an identity holding '*', '$', '{' or '}' would widen a CAM
// resource built from a {sub} prefix.
func (s *Service) subWidens(sub string) bool {
	return strings.ContainsAny(sub, "*${}") && s.cfg.KeyPrefixes.NeedsSub()
}

// methodsAt lists the methods the key policy lets the caller use on a
// normalised key (a folder by its marker, "dir/"), per-prefix methods
// included: nil outside every prefix.
func (s *Service) methodsAt(key, sub string) []string {
	if key == "" {
		return nil
	}
	return s.cfg.KeyPrefixes.MethodsAt(key, sub, s.cfg.AllowedMethods)
}

// stsBucket is the bucket of a prefix- or key-form request: the configured
// one or an allowed one, in the configured region.
func (s *Service) stsBucket(in *input, region string) (string, error) {
	if in.Region != "" && signer.CanonicalRegion(in.Region) != region {
		return "", forbidden("ScopeNotAllowed", fmt.Sprintf("region %s is not the configured region %s", quoteName(in.Region), region))
	}
	b, aerr := s.requestBucket(in.Bucket)
	if aerr != nil {
		return "", aerr
	}
	if _, err := sts.AppID(b); err != nil {
		return "", badRequest("InvalidBucket", fmt.Sprintf("bucket %s must end in its APPID (name-appid) for /sts: CAM resources name the APPID", quoteName(b)))
	}
	return b, nil
}

// stsPrefixGrants: every SIGN_KEY_PREFIXES entry the caller can fill, with
// the methods allowed there. Never the whole bucket.
func (s *Service) stsPrefixGrants(sub string) ([]sts.Grant, error) {
	if len(s.cfg.KeyPrefixes) == 0 {
		return nil, forbidden("ScopeNotAllowed", "no SIGN_KEY_PREFIXES are configured: /sts never vends credentials for the whole bucket (use the key or scope form)")
	}
	var grants []sts.Grant
	for _, p := range s.cfg.KeyPrefixes {
		folder, ok := p.Fill(sub)
		if !ok || folder == "" {
			continue // a {sub} prefix without a usable identity; "*", the whole bucket
		}
		path := folder + "/"
		if m := s.methodsAt(path, sub); m != nil {
			grants = append(grants, sts.Grant{Path: path, Methods: m})
		}
	}
	if len(grants) == 0 {
		if sub != "" && !policy.ValidIdentity(sub) {
			return nil, identityNotUsable()
		}
		return nil, forbidden("ScopeNotAllowed", "no configured key prefix can be used by this caller ({sub} prefixes need an authenticated caller; a \"*\" prefix is the whole bucket)")
	}
	return grants, nil
}

// stsKeyGrant chooses a key as /presign does and grants the caller's
// methods on that one key; a stated contentType or contentLength, checked
// against the limits, narrows the conditions to it.
func (s *Service) stsKeyGrant(in *input, sub string, limits *sts.Limits) (string, sts.Grant, error) {
	key, aerr := s.chooseKey(in, sub, routeSTS, "PUT")
	if aerr != nil {
		return "", sts.Grant{}, aerr
	}
	if ct := in.ContentType.s; in.ContentType.set && ct != "" {
		mt, ok, err := s.cfg.AllowedContentTypes.Check(ct)
		if err != nil {
			return "", sts.Grant{}, badRequest("InvalidContentType", err.Error())
		}
		if !ok {
			return "", sts.Grant{}, forbidden("ContentTypeNotAllowed", fmt.Sprintf("content type %s is not allowed (SIGN_ALLOWED_CONTENT_TYPES)", quoteName(ct)))
		}
		*limits = sts.Limits{ContentTypes: []string{mt, mt + ";*"}, DenyContentTypes: []string{"*,*"}, MaxContentLength: limits.MaxContentLength}
	}
	if cl := strings.TrimSpace(in.ContentLength.s); in.ContentLength.set && cl != "" {
		n, aerr := statedLength(cl)
		if aerr == nil {
			aerr = s.checkLength(n)
		}
		if aerr != nil {
			return "", sts.Grant{}, aerr
		}
		limits.MaxContentLength = max(n, 1)
	}
	return key, sts.Grant{Path: key, Methods: s.methodsAt(key, sub)}, nil
}
