package sts

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakests"
	"github.com/cos-signer/cos-signer/signer"
)

const (
	testBucket = "examplebucket-1250000000"
	testRegion = "ap-guangzhou"
	testRole   = "qcs::cam::uin/100000000001:roleName/cos-uploader"
)

var testTarget = Target{Region: testRegion, Bucket: testBucket}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// stsFixture is a fake STS and a Vendor that calls it through the real SDK.
type stsFixture struct {
	fake   *fakests.Server
	vendor *Vendor
	clock  *clock
}

func newFixture(t *testing.T, mode string, keys signer.Credentials) *stsFixture {
	t.Helper()
	ck := &clock{t: time.Now()}
	fake := fakests.New(t, fakests.Options{SecretID: "AKIDservice", SecretKey: "service-secret", Token: keys.SessionToken,
		Region: testRegion, Scope: campolicy.Scope{Region: testRegion, AppID: "1250000000", Bucket: testBucket}, RoleARN: testRole})
	env := map[string]string{"STS_MODE": mode, "STS_ENDPOINT": fake.Endpoint()}
	if mode == ModeAssumeRole {
		env["STS_ROLE_ARN"] = testRole
	}
	cfg, err := LoadConfig(func(n string) string { return env[n] }, testRegion, keys.SessionToken != "")
	if err != nil {
		t.Fatal(err)
	}
	return &stsFixture{fake: fake, vendor: NewVendor(cfg, NewClient(cfg, FixedKeys(keys)), ck.Now), clock: ck}
}

// rulesPolicy is a small key policy for this package's tests: alice under
// SIGN_KEY_PREFIXES entries, the multipart requests as policy.ObjectOp
// classifies them, params and headers only when named in allowed (in any
// letter case), a listing only as ListMultipartUploads with a prefix, and
// no writes when writes is false.
func rulesPolicy(t testing.TB, entries []string, allowed []string, writes bool) KeyPolicy {
	var rs policy.Rules
	for _, e := range entries {
		r, err := policy.ParseRule(e)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	return func(p Probe) bool {
		if !writes && p.Method != "GET" && p.Method != "HEAD" {
			return false
		}
		key := p.Key
		if key == "" {
			kind, prefix, err := policy.BucketListing(p.Method, p.Params)
			if err != nil || kind != policy.ListUploads {
				return false
			}
			key = prefix
		} else {
			if _, oe := policy.ObjectOp(p.Method, p.Params); oe != nil && !p.Form {
				return false
			}
			for name := range p.Params {
				if !slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, name) }) {
					return false
				}
			}
		}
		for name := range p.Headers {
			if name != "content-type" && name != "content-length" && !slices.Contains(allowed, name) {
				return false
			}
		}
		m := p.Method
		if p.Form {
			m = "PUT"
		}
		return rs.Check(key, "alice", m) == policy.KeyAllowed
	}
}

// multipartParams are the params a multipart upload needs.
var multipartParams = []string{"uploads", "uploadId", "partNumber", "versionId"}

var permanentKeys = signer.Credentials{SecretID: "AKIDservice", SecretKey: "service-secret"}
var roleKeys = signer.Credentials{SecretID: "AKIDservice", SecretKey: "service-secret", SessionToken: "role-session-token"}

func alicePolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/", Actions: []string{ActPutObject, ActGetObject}}}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func vend(t *testing.T, f *stsFixture, subject string, p *Policy) (Credentials, bool) {
	t.Helper()
	c, hit, err := f.vendor.Vend(context.Background(), subject, p, true)
	if err != nil {
		t.Fatalf("vend: %v (fake refused: %v)", err, f.fake.Refused())
	}
	return c, hit
}

// FixedKeys are keys that never change, for a client in these tests.
func FixedKeys(c signer.Credentials) Keys {
	return func() (signer.Credentials, error) { return c, nil }
}
