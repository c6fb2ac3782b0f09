package sts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	stsapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/sts/v20180813"

	"github.com/cos-signer/cos-signer/signer"
)

// Credentials are what STS vended. TmpSecretKey and Token are secrets:
// never logged.
type Credentials struct {
	TmpSecretID  string
	TmpSecretKey string
	Token        string
	ExpiredTime  int64  // Unix seconds
	Expiration   string // STS's own ISO 8601 form
	RequestID    string // STS's request id
}

// Call is one request to STS.
type Call struct {
	Policy   string // compact JSON
	Subject  string // the caller, which names an AssumeRole session
	Duration int64  // seconds
}

// Issuer asks STS for credentials.
type Issuer interface {
	Issue(ctx context.Context, c Call) (Credentials, error)
}

// FederationName is GetFederationToken's Name (letters only).
const FederationName = "cossigner"

// Keys gives the credentials an STS call is signed with, read at the time
// of the call: on SCF the role's keys change between invocations, and a
// call signed with keys that are gone or past their known expiry would
// only be refused. An error is the answer instead of a call (an *Error
// passes through MapError as it is).
type Keys func() (signer.Credentials, error)

// client calls Tencent STS through tencentcloud-sdk-go (TC3 signing, the
// session token as X-TC-Token, context, typed errors). The SDK client is
// built on the first call (a cold start that serves no /sts pays nothing)
// and again whenever the keys have changed since.
type client struct {
	cfg  Config
	keys Keys

	mu      sync.Mutex
	sdk     *stsapi.Client
	sdkKeys signer.Credentials // the keys sdk signs with
}

// NewClient is the Issuer that calls STS with the service's own keys, as
// keys gives them at each call.
func NewClient(cfg Config, keys Keys) Issuer { return &client{cfg: cfg, keys: keys} }

// sdkFor is an SDK client that signs with k. A call in flight keeps the
// client it started with; the SDK client is not changed in place.
func (c *client) sdkFor(k signer.Credentials) (*stsapi.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sdk != nil && c.sdkKeys == k {
		return c.sdk, nil
	}
	hp := profile.NewHttpProfile()
	hp.Endpoint = c.cfg.Host
	hp.Scheme = strings.ToUpper(c.cfg.Scheme)
	hp.ReqTimeout = int(callTimeout / time.Second)
	cp := profile.NewClientProfile()
	cp.HttpProfile = hp
	// The region breaker would move calls to a backup endpoint on failures;
	// calls go only where STS_ENDPOINT says.
	cp.DisableRegionBreaker = true
	var cred common.CredentialIface = common.NewCredential(k.SecretID, k.SecretKey)
	if k.SessionToken != "" {
		cred = common.NewTokenCredential(k.SecretID, k.SecretKey, k.SessionToken)
	}
	sdk, err := stsapi.NewClient(cred, c.cfg.Region, cp)
	if err != nil {
		return nil, err
	}
	c.sdk, c.sdkKeys = sdk, k
	return sdk, nil
}

var errNoCredentials = errors.New("sts: the answer holds no credentials")

func (c *client) Issue(ctx context.Context, call Call) (Credentials, error) {
	keys, err := c.keys()
	if err != nil {
		return Credentials{}, err
	}
	sdk, err := c.sdkFor(keys)
	if err != nil {
		return Credentials{}, err
	}
	// STS URL-decodes the Policy parameter.
	policy := escapePolicy(call.Policy)
	dur := uint64(call.Duration)
	switch c.cfg.Mode {
	case ModeFederation:
		req := stsapi.NewGetFederationTokenRequest()
		req.Name = common.StringPtr(FederationName)
		req.Policy = &policy
		req.DurationSeconds = &dur
		resp, err := sdk.GetFederationTokenWithContext(ctx, req)
		if err != nil {
			return Credentials{}, err
		}
		r := resp.Response
		if r == nil {
			return Credentials{}, errNoCredentials
		}
		var expired *int64
		if r.ExpiredTime != nil {
			e := int64(*r.ExpiredTime)
			expired = &e
		}
		return credentialsOf(r.Credentials, expired, r.Expiration, r.RequestId)
	default:
		req := stsapi.NewAssumeRoleRequest()
		req.RoleArn = common.StringPtr(c.cfg.RoleARN)
		req.RoleSessionName = common.StringPtr(SessionName(call.Subject))
		req.Policy = &policy
		req.DurationSeconds = &dur
		resp, err := sdk.AssumeRoleWithContext(ctx, req)
		if err != nil {
			return Credentials{}, err
		}
		r := resp.Response
		if r == nil {
			return Credentials{}, errNoCredentials
		}
		return credentialsOf(r.Credentials, r.ExpiredTime, r.Expiration, r.RequestId)
	}
}

// credentialsOf reads an answer's fields, which the SDK gives as pointers:
// the keys, the token and the expiry must be there.
func credentialsOf(c *stsapi.Credentials, expired *int64, expiration, rid *string) (Credentials, error) {
	if c == nil || c.TmpSecretId == nil || c.TmpSecretKey == nil || c.Token == nil || expired == nil {
		return Credentials{}, errNoCredentials
	}
	out := Credentials{TmpSecretID: *c.TmpSecretId, TmpSecretKey: *c.TmpSecretKey, Token: *c.Token, ExpiredTime: *expired}
	if expiration != nil {
		out.Expiration = *expiration
	}
	if rid != nil {
		out.RequestID = *rid
	}
	return out, nil
}

// escapePolicy percent-encodes the policy as Tencent's SDKs do (space as
// %20, '+' as %2B), so that STS's URL-decoding gives the text back.
func escapePolicy(p string) string {
	return strings.ReplaceAll(url.QueryEscape(p), "+", "%20")
}

// SessionName is an AssumeRole RoleSessionName for the caller (2–128 of
// [\w+=,.@-]), one per subject so that CAM's audit log tells callers
// apart: the subject when it fits and does not start with "h-", else "h-"
// and its SHA-256; the anonymous caller is "h-anonymous". No subject used
// as it is can equal a hashed name or the anonymous one.
func SessionName(subject string) string {
	if subject == "" {
		return "h-anonymous"
	}
	if validSessionName(subject) && !strings.HasPrefix(strings.ToLower(subject), "h-") {
		return subject
	}
	sum := sha256.Sum256([]byte(subject))
	return "h-" + hex.EncodeToString(sum[:])
}

// validSessionName: 2–128 of [\w+=,.@-]. A loop, not a regexp: {2,128}
// compiles to 128 copies of the class, 2 ms and 1,700 allocations in every
// cold start's init.
func validSessionName(s string) bool {
	if len(s) < 2 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}
