package interop

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/campolicy"
	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/cos-signer/cos-signer/internal/fakests"
	"github.com/cos-signer/cos-signer/internal/interoptest"
)

const stsRole = "qcs::cam::uin/100000000001:roleName/cos-uploader"

// stsConfig is one /sts deployment the node SDK runs under.
type stsConfig struct {
	name  string
	mode  string // federation (permanent keys) or assume-role (SCF's role keys: a session token)
	form  string // prefix ({}) or scope (the SDK's options, Scope included)
	typed bool   // SIGN_ALLOWED_CONTENT_TYPES=image/*
}

var stsConfigs = []stsConfig{
	{"federation prefix", "federation", "prefix", false},
	{"assume-role prefix typed", "assume-role", "prefix", true},
	{"federation scope typed", "federation", "scope", true},
	{"assume-role scope", "assume-role", "scope", false},
}

// startSTS runs a fake STS, the service with /sts on against it, and a fake
// COS that accepts what the fake STS vended and enforces its policy.
func startSTS(t *testing.T, c stsConfig) (*interoptest.Env, *fakests.Server) {
	token := ""
	if c.mode == "assume-role" {
		token = interoptest.SessionToken
	}
	fake := fakests.New(t, fakests.Options{SecretID: interoptest.SecretID, SecretKey: interoptest.SecretKey, Token: token,
		Region: interoptest.Region, Scope: campolicy.Scope{Region: interoptest.Region, AppID: "1250000000", Bucket: interoptest.Bucket}, RoleARN: stsRole})
	vars := authtest.HS256Env(authtest.Secret)
	vars["SIGN_KEY_PREFIXES"] = "users/{sub}/"
	vars["STS_MODE"], vars["STS_ENDPOINT"] = c.mode, fake.Endpoint()
	if token != "" {
		vars["COS_SESSION_TOKEN"], vars["STS_ROLE_ARN"] = token, stsRole
	}
	if c.typed {
		vars["SIGN_ALLOWED_CONTENT_TYPES"] = "image/*"
	}
	env := interoptest.Start(t, vars)
	env.COS.CredentialsFor = func(id string) (fakecos.Credentials, bool) {
		v, ok := fake.Lookup(id)
		return fakecos.Credentials{SecretID: v.TmpSecretID, SecretKey: v.TmpSecretKey, Token: v.Token}, ok
	}
	env.COS.Authorize = func(a fakecos.Access) bool {
		v, ok := fake.Lookup(a.SecretID)
		if !ok {
			return true // the service's own keys: their CAM policy is the deployer's
		}
		return v.Policy.Allows(campolicy.Request{Action: a.Action, Resource: a.Resource, Headers: a.Headers, Params: a.Params})
	}
	return env, fake
}

// TestNodeSDKWithSTS runs cos-nodejs-sdk-v5 with /sts credentials: puts and
// a multipart upload in the caller's prefix succeed; another user's key, a
// disallowed action and a wrong content type are refused by COS's policy
// check (prefix form) or by the service before STS is asked (scope form).
func TestNodeSDKWithSTS(t *testing.T) {
	t.Parallel()
	for _, c := range stsConfigs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env, fake := startSTS(t, c)
			vars := map[string]string{"STS_FORM": c.form, "KEY_PREFIX": "users/alice/", "OTHER_KEY": "users/bob/not-mine.png",
				"USER_TOKEN": authtest.Token(t, authtest.Secret, "alice", time.Hour)}
			if c.typed {
				vars["TYPE_LIMIT"] = "1"
			}
			res := env.Node(t, "node-sts.js", vars)
			col := "node /sts " + c.name
			ok := expectation{ok: true}
			// Refused by the fake COS's policy check (AccessDenied), or by
			// the service (the recipe logs its code) in the scope form.
			refused := expectation{cos: "AccessDenied"}
			if c.form == "scope" {
				refused = expectation{code: "ScopeNotAllowed"}
			}
			stored := storedCheck(env)
			check(t, col, res, "putObject", ok, stored)
			check(t, col, res, "getObject", ok, nil)
			check(t, col, res, "sliceUploadFile", ok, multipartCheck(env))
			check(t, col, res, "otherUsersKey", refused, nil)
			check(t, col, res, "disallowedAction", refused, nil)
			// Finding 3: an ACL the key policy refuses is denied by the
			// vended policy's cos:x-cos-acl condition, in either form.
			check(t, col, res, "publicACL", expectation{cos: "AccessDenied"}, nil)
			if c.typed {
				check(t, col, res, "wrongContentType", expectation{cos: "AccessDenied"}, nil)
			}
			if c.form == "scope" {
				check(t, col, res, "scopeEscape", expectation{code: "ScopeNotAllowed"}, nil)
			}
			check(t, col, res, "keyForm", ok, func(r interoptest.Result) error {
				if err := stored(r); err != nil {
					return err
				}
				if r.Data["otherKey"] != "AccessDenied" {
					return fmt.Errorf("key-form credentials wrote another key: %v", r.Data["otherKey"])
				}
				return nil
			})
			if env.COS.Object(interoptest.Host, "users/bob/not-mine.png") != nil {
				t.Errorf("another user's key was written")
			}
			for _, v := range fake.Vended() {
				want := "AssumeRole"
				if c.mode == "federation" {
					want = "GetFederationToken"
				}
				if v.Action != want {
					t.Errorf("STS was called with %s, want %s", v.Action, want)
				}
			}
			auth, _ := res["summary"].Data["authCalls"].(float64)
			cosRequests := len(env.COS.Log())
			t.Logf("%s: %d COS requests, %d getAuthorization calls, %d STS calls", c.name, cosRequests, int(auth), fake.Calls())
			if c.form == "prefix" && fake.Calls() != 2 {
				t.Errorf("prefix form: %d STS calls, want 2 (one for the SDK's credentials, one for the key form)", fake.Calls())
			}
		})
	}
}

// TestNodeSDKWithSTSRefused: STS refusing the service (a role it may not
// assume) reaches the client as the service's STSRefused, and no request
// reaches COS.
func TestNodeSDKWithSTSRefused(t *testing.T) {
	t.Parallel()
	c := stsConfig{"assume-role refused", "assume-role", "prefix", false}
	env, fake := startSTS(t, c)
	fake.Fail(fakests.Failure{Code: "InvalidParameter.ResouceError"}, fakests.Failure{Code: "InvalidParameter.ResouceError"},
		fakests.Failure{Code: "InvalidParameter.ResouceError"}, fakests.Failure{Code: "InvalidParameter.ResouceError"})
	res := env.Node(t, "node-sts.js", map[string]string{"STS_FORM": "prefix", "KEY_PREFIX": "users/alice/", "OTHER_KEY": "users/bob/x.png",
		"USER_TOKEN": authtest.Token(t, authtest.Secret, "alice", time.Hour)})
	check(t, "node /sts "+c.name, res, "putObject", expectation{code: "502 STSRefused"}, func(r interoptest.Result) error {
		for _, l := range r.Logged {
			if strings.Contains(l, "injected") {
				return fmt.Errorf("STS's message text reached the client: %q", l)
			}
		}
		return nil
	})
}
