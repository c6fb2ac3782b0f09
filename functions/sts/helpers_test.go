package sts

import (
	"context"
	"sync"
	"testing"
	"time"

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
	return &stsFixture{fake: fake, vendor: NewVendor(cfg, NewClient(cfg, keys), ck.Now), clock: ck}
}

var permanentKeys = signer.Credentials{SecretID: "AKIDservice", SecretKey: "service-secret"}
var roleKeys = signer.Credentials{SecretID: "AKIDservice", SecretKey: "service-secret", SessionToken: "role-session-token"}

func alicePolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := BuildPolicy(testTarget, []Grant{{Path: "users/alice/", Methods: []string{"PUT", "GET"}}}, Limits{}, true)
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
