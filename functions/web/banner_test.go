package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
)

var realCreds = map[string]string{"COS_SECRET_ID": "AKIDrealLookingButNotReal0000000000", "COS_SECRET_KEY": "realLookingSecretKeyNotReal0000000"}

func with(base map[string]string, more ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i]] = more[i+1]
	}
	return m
}

// bannerFor is what run prints for an environment (with -demo or not),
// and the service that configuration builds, to check the banner against.
func bannerFor(t *testing.T, demo bool, vars map[string]string) (string, *service.Service) {
	t.Helper()
	get := env(vars)
	var filled []string
	if demo {
		get, filled = demoEnv(get)
	}
	cfg, err := service.LoadConfig(get)
	require.NoError(t, err)
	svc, err := service.New(cfg, testOptions())
	require.NoError(t, err)
	var out bytes.Buffer
	banner(&out, listening{base: "http://127.0.0.1:9000"}, filled, cfg)
	assert.NotContains(t, out.String(), realCreds["COS_SECRET_KEY"], "the banner never prints a secret")
	assert.NotContains(t, out.String(), demoSecretKey, "the banner never prints a secret")
	return out.String(), svc
}

// code is the error code the service answers a /presign body with, or "".
func code(t *testing.T, svc *service.Service, body string) (int, string) {
	t.Helper()
	resp := svc.Serve(context.Background(), &service.Request{Method: "POST", Path: "/presign",
		Header: map[string]string{"content-type": "application/json"}, Body: []byte(body)})
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(resp.Body, &e)
	return resp.Status, e.Error.Code
}

const upload = `{"method":"PUT","key":"uploads/hello.txt"}`

// get is the status the service answers a GET of path with.
func get(t *testing.T, svc *service.Service, path string) int {
	t.Helper()
	p, q, _ := strings.Cut(path, "?")
	query, err := url.ParseQuery(q)
	require.NoError(t, err)
	return svc.Serve(context.Background(), &service.Request{Method: "GET", Path: p, Query: query}).Status
}

// Each mode's banner says what the service it fronts does: checked against
// that service's own answers, not only against wording.
func TestBannerIsTrueInEveryMode(t *testing.T) {
	bucket := map[string]string{"COS_BUCKET": "examplebucket-1250000000", "COS_REGION": "ap-guangzhou"}

	t.Run("demo", func(t *testing.T) {
		out, svc := bannerFor(t, true, map[string]string{})
		assert.Contains(t, out, "DEMO MODE")
		assert.Contains(t, out, "anonymous writes and any CORS origin")
		assert.NotContains(t, out, "Signing for real")
		assert.NotContains(t, out, "refused")
		status, _ := code(t, svc, upload)
		assert.Equal(t, 200, status, "the demo's upload example works")
	})

	t.Run("demo keeps a variable the developer set", func(t *testing.T) {
		out, svc := bannerFor(t, true, map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "false"})
		assert.Contains(t, out, "DEMO MODE")
		assert.NotContains(t, out, "anonymous writes and", "not claimed when not so")
		assert.Contains(t, out, "SIGN_ALLOW_ANONYMOUS_WRITES=true")
		_, c := code(t, svc, upload)
		assert.Equal(t, "AnonymousWriteRefused", c)
	})

	t.Run("real credentials, no caller authentication", func(t *testing.T) {
		out, svc := bannerFor(t, true, with(realCreds, "COS_BUCKET", bucket["COS_BUCKET"], "COS_REGION", bucket["COS_REGION"]))
		assert.NotContains(t, out, "DEMO")
		assert.NotContains(t, out, "Signing for real")
		assert.Contains(t, out, "refused with 403 AnonymousWriteRefused")
		assert.Contains(t, out, "AUTH_MODE=jwt")
		assert.Contains(t, out, "SIGN_ALLOW_ANONYMOUS_WRITES=true")
		assert.Contains(t, out, "# a presigned upload URL (refused")
		status, c := code(t, svc, upload)
		assert.Equal(t, 403, status)
		assert.Equal(t, "AnonymousWriteRefused", c)
	})

	t.Run("real credentials, writes allowed", func(t *testing.T) {
		out, svc := bannerFor(t, false, with(realCreds, "COS_BUCKET", bucket["COS_BUCKET"], "COS_REGION", bucket["COS_REGION"], "SIGN_ALLOW_ANONYMOUS_WRITES", "true"))
		assert.Contains(t, out, "Signing for real")
		assert.NotContains(t, out, "!!")
		status, _ := code(t, svc, upload)
		assert.Equal(t, 200, status)
	})

	t.Run("real credentials, no bucket", func(t *testing.T) {
		out, svc := bannerFor(t, false, with(realCreds, "COS_REGION", "ap-guangzhou", "SIGN_ALLOW_ANONYMOUS_WRITES", "true"))
		assert.NotContains(t, out, "Signing for real")
		assert.Contains(t, out, "neither COS_BUCKET nor COS_ALLOWED_BUCKETS")
		status, c := code(t, svc, upload)
		assert.Equal(t, 503, status, "a server setting, not the caller's fault")
		assert.Equal(t, "ServiceNotConfigured", c)
	})

	t.Run("real credentials, no region", func(t *testing.T) {
		out, svc := bannerFor(t, false, with(realCreds, "COS_BUCKET", bucket["COS_BUCKET"], "SIGN_ALLOW_ANONYMOUS_WRITES", "true"))
		assert.NotContains(t, out, "Signing for real")
		assert.Contains(t, out, "No region")
		status, c := code(t, svc, `{"key":"a.txt"}`)
		assert.Equal(t, 503, status)
		assert.Equal(t, "ServiceNotConfigured", c)
	})

	t.Run("real credentials, only allowed buckets", func(t *testing.T) {
		out, _ := bannerFor(t, false, with(realCreds, "COS_REGION", "ap-guangzhou", "COS_ALLOWED_BUCKETS", "a-1250000000"))
		assert.NotContains(t, out, "Signing for real")
		assert.Contains(t, out, "must name one of COS_ALLOWED_BUCKETS")
	})

	t.Run("no credentials", func(t *testing.T) {
		out, svc := bannerFor(t, false, bucket)
		assert.NotContains(t, out, "Signing for real")
		assert.Contains(t, out, "answers 503")
		assert.Contains(t, out, "COS_SECRET_ID")
		status, _ := code(t, svc, `{"key":"a.txt"}`)
		assert.Equal(t, 503, status)
	})

	t.Run("a CDN", func(t *testing.T) {
		cdn := with(realCreds, "COS_BUCKET", bucket["COS_BUCKET"], "COS_REGION", bucket["COS_REGION"], "SIGN_ALLOW_ANONYMOUS_WRITES", "true",
			"CDN_DOMAIN", "img.example.com", "CDN_AUTH_TYPE", "C", "CDN_AUTH_KEY", "cdnKeyNotReal0123456789", "CDN_AUTH_TTL", "3600")
		out, svc := bannerFor(t, false, cdn)
		assert.Contains(t, out, "Signing for real")
		assert.Contains(t, out, "through the CDN at img.example.com (TypeC")
		assert.Contains(t, out, "process=imageMogr2/thumbnail/200x&via=cos'")
		assert.NotContains(t, out, "cdnKeyNotReal0123456789")
		assert.Equal(t, 200, get(t, svc, "/download?key=uploads/cat.jpg&process=imageMogr2/thumbnail/200x&via=cos"), "the thumbnail example works")

		delete(cdn, "CDN_AUTH_KEY") // a secret store that did not resolve
		out, svc = bannerFor(t, false, cdn)
		assert.Contains(t, out, "A CDN is configured in part: CDN_AUTH_KEY not set")
		assert.Equal(t, 503, get(t, svc, "/healthz"))
		assert.Equal(t, 503, get(t, svc, "/download?key=uploads/cat.jpg"))
		assert.Equal(t, 200, get(t, svc, "/download?key=uploads/cat.jpg&via=cos"))
	})

	t.Run("jwt", func(t *testing.T) {
		out, svc := bannerFor(t, false, with(realCreds, "COS_BUCKET", bucket["COS_BUCKET"], "COS_REGION", bucket["COS_REGION"], "AUTH_MODE", "jwt", "AUTH_JWT_SECRET", strings.Repeat("s", 32), "SIGN_KEY_PREFIXES", "users/{sub}/"))
		assert.Contains(t, out, "answer 401 without a token")
		assert.NotContains(t, out, "AnonymousWriteRefused", "authenticated callers may write")
		status, _ := code(t, svc, `{"key":"a.txt"}`)
		assert.Equal(t, 401, status)
	})
}

func TestBannerSaysWhereItListens(t *testing.T) {
	cfg, err := service.LoadConfig(env(with(realCreds, "COS_BUCKET", "examplebucket-1250000000", "COS_REGION", "ap-guangzhou")))
	require.NoError(t, err)
	var out bytes.Buffer
	banner(&out, listening{base: "http://127.0.0.1:9000"}, nil, cfg)
	assert.Contains(t, out.String(), "listening on http://127.0.0.1:9000 (this machine only; LISTEN_HOST=0.0.0.0")
	out.Reset()
	banner(&out, listening{base: "http://localhost:9000", all: true}, nil, cfg)
	assert.Contains(t, out.String(), "listening on every interface (http://localhost:9000 from this machine)")
}

func TestListenHost(t *testing.T) {
	assert.Equal(t, "127.0.0.1", listenHost(true, env(nil)), "make run: this machine only")
	assert.Equal(t, "", listenHost(false, env(nil)), "scf_bootstrap: every interface, as SCF requires")
	assert.Equal(t, "0.0.0.0", listenHost(true, env(map[string]string{"LISTEN_HOST": "0.0.0.0"})))
	assert.Equal(t, "::1", listenHost(false, env(map[string]string{"LISTEN_HOST": "::1"})))
}
