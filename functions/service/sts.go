package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// vendSTS answers /sts: temporary credentials whose CAM policy is derived
// from the key policy action by action, never wider than what the service
// would sign for the caller.
func (s *Service) vendSTS(ctx context.Context, in *input, id *auth.Identity, now time.Time, le *logEntry) (*stsAnswer, error) {
	if s.sts == nil {
		return nil, forbidden("STSDisabled", "/sts is off: set STS_MODE to federation or assume-role to vend temporary credentials")
	}
	cfg := s.sts.Config()
	sub := ""
	if id != nil {
		sub = id.Subject
	} else if !cfg.AllowAnonymous {
		return nil, &apiError{http.StatusUnauthorized, "CallerRequired", "/sts needs an authenticated caller (set STS_ALLOW_ANONYMOUS=true to vend credentials to anonymous callers)"}
	}
	st := &stsLog{form: stsFormPrefix}
	le.sts = st
	limits := s.stsLimits // a copy: the key form narrows it

	// Keys past their known expiry sign nothing, an STS call included; the
	// derivation's own signing check would refuse every action anyway.
	if aerr := s.keys.current().usable(now); aerr != nil {
		return nil, aerr
	}
	if why := camUnsafeSubject(sub); why != "" {
		return nil, forbidden("IdentityNotUsable", "the caller's identity cannot name CAM resources or an STS session: it holds "+why)
	}
	var bucket, key string
	var p *sts.Policy
	switch {
	case in.Scope != nil:
		st.form = stsFormScope
		memo := s.memoKey(stsFormScope, id, scopeParts(in.Scope)...)
		d, ok := s.stsPolicies.get(memo)
		if !ok {
			b, g, err := sts.CheckScope(in.Scope, sts.Rules{Region: cfg.Region, BucketAllowed: s.bucketAllowed,
				GrantAt: func(bucket, path string) (sts.Grant, bool) {
					if s.methodsAt(path, sub) == nil {
						return sts.Grant{}, false
					}
					return sts.Derive(path, limits, s.keyPolicy(id, bucket)), true
				}})
			if err != nil {
				return nil, forbidden("ScopeNotAllowed", err.Error())
			}
			if d, err = s.buildSTSPolicy(id, b, g, limits); err != nil {
				return nil, err
			}
			s.stsPolicies.put(memo, d)
		}
		bucket, p = d.bucket, d.policy
	default:
		b, aerr := s.stsBucket(in, cfg.Region)
		if aerr != nil {
			return nil, aerr
		}
		bucket = b
		var d derived
		if in.Ext != "" || in.Filename != "" {
			st.form = stsFormKey
			k, aerr := s.stsKey(in, sub, &limits)
			if aerr != nil {
				return nil, aerr
			}
			key = k
			le.key = key
			if d, aerr = s.buildSTSPolicy(id, bucket, []sts.Grant{sts.Derive(k, limits, s.keyPolicy(id, bucket))}, limits); aerr != nil {
				return nil, aerr
			}
		} else {
			memo := s.memoKey(stsFormPrefix, id, bucket)
			var ok bool
			if d, ok = s.stsPolicies.get(memo); !ok {
				grants, aerr := s.stsPrefixGrants(sub, limits, s.keyPolicy(id, bucket))
				if aerr != nil {
					return nil, aerr
				}
				if d, aerr = s.buildSTSPolicy(id, bucket, grants, limits); aerr != nil {
					return nil, aerr
				}
				s.stsPolicies.put(memo, d)
			}
		}
		p = d.policy
	}
	le.bucket = bucket
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

// buildSTSPolicy is the CAM policy of grants on bucket, or the refusal
// of grants that allow nothing.
func (s *Service) buildSTSPolicy(id *auth.Identity, bucket string, grants []sts.Grant, limits sts.Limits) (derived, error) {
	p, err := sts.BuildPolicy(sts.Target{Region: s.sts.Config().Region, Bucket: bucket}, grants, limits)
	if err != nil {
		if id == nil && !s.cfg.AllowAnonymousWrites && errors.Is(err, sts.ErrNoAction) {
			return derived{}, forbidden("AnonymousWriteRefused", fmt.Sprintf("the caller may only write here, and writes need an authenticated caller (AUTH_MODE is %s and SIGN_ALLOW_ANONYMOUS_WRITES is false)", s.authMode))
		}
		return derived{}, forbidden("ScopeNotAllowed", err.Error())
	}
	return derived{bucket: bucket, policy: p}, nil
}

// keyPolicy is the service's own signing check for the caller id on
// bucket, as /sts derives a CAM policy from it: a probe is signed when
// /auth (or, for a form upload, /post-policy) would sign it. A stated
// type and length go in as contentType and contentLength, which the
// upload limits read whatever SIGN_ALLOWED_HEADERS says.
func (s *Service) keyPolicy(id *auth.Identity, bucket string) sts.KeyPolicy {
	return func(p sts.Probe) bool {
		in := &input{Bucket: bucket, Method: p.Method, Key: scalar{s: p.Key, set: true}}
		for name, v := range p.Headers {
			switch name {
			case "content-type":
				in.ContentType = scalar{s: v, set: true}
			case "content-length":
				in.ContentLength = scalar{s: v, set: true}
			default:
				if in.Headers == nil {
					in.Headers = map[string]scalar{}
				}
				in.Headers[name] = scalar{s: v, set: true}
			}
		}
		if len(p.Params) > 0 {
			in.Params = make(map[string]scalar, len(p.Params))
			for name, v := range p.Params {
				in.Params[name] = scalar{s: v, set: true}
			}
		}
		route := routeAuth
		if p.Form {
			route = routePostPolicy
		}
		var t target
		return s.prepare(&t, route, in, id, s.now(), &logEntry{}) == nil
	}
}

// camUnsafeSubject says which character of sub CAM might read specially
// in a resource or a condition, or that would make a session name
// ambiguous: '*', '?', '$', '{', '}', ':', quotes, whitespace or control
// characters ("" when none).
func camUnsafeSubject(sub string) string {
	for _, r := range sub {
		switch {
		case strings.ContainsRune("*?${}:\"'`", r):
			return fmt.Sprintf("%q", r)
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError:
			return fmt.Sprintf("%U (whitespace or a control character)", r)
		}
	}
	return ""
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

// stsPrefixGrants: every SIGN_KEY_PREFIXES entry the caller can fill,
// with what the key policy derives there. Never the whole bucket.
func (s *Service) stsPrefixGrants(sub string, limits sts.Limits, signs sts.KeyPolicy) ([]sts.Grant, error) {
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
		if s.methodsAt(path, sub) != nil && !slices.ContainsFunc(grants, func(g sts.Grant) bool { return g.Path == path }) {
			grants = append(grants, sts.Derive(path, limits, signs))
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

// stsKey chooses a key as /presign does; a stated contentType or
// contentLength, checked against the limits, narrows the conditions to it.
func (s *Service) stsKey(in *input, sub string, limits *sts.Limits) (string, error) {
	key, aerr := s.chooseKey(in, sub, routeSTS, "PUT")
	if aerr != nil {
		return "", aerr
	}
	if ct := in.ContentType.s; in.ContentType.set && ct != "" {
		mt, ok, err := s.cfg.AllowedContentTypes.Check(ct)
		if err != nil {
			return "", badRequest("InvalidContentType", err.Error())
		}
		if !ok {
			return "", forbidden("ContentTypeNotAllowed", fmt.Sprintf("content type %s is not allowed (SIGN_ALLOWED_CONTENT_TYPES)", quoteName(ct)))
		}
		limits.Types = []string{mt}
	}
	if cl := strings.TrimSpace(in.ContentLength.s); in.ContentLength.set && cl != "" {
		n, aerr := statedLength(cl)
		if aerr == nil {
			aerr = s.checkLength(n)
		}
		if aerr != nil {
			return "", aerr
		}
		// The object holds n bytes, so none of its parts holds more.
		limits.MaxContentLength = max(n, 1)
		if limits.MaxPartLength == 0 || limits.MaxPartLength > n {
			limits.MaxPartLength = max(n, 1)
		}
	}
	return key, nil
}
