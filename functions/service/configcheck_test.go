package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadWith(more map[string]string) (Config, error) {
	env := baseEnv()
	for k, v := range more {
		env[k] = v
	}
	return LoadConfig(func(k string) string { return env[k] })
}

// TestConfigurationCannotBeWrongSilently: values the signer would accept
// and turn into URLs that cannot work stop the start, with an error that
// names the variable and says what to write instead.
func TestConfigurationCannotBeWrongSilently(t *testing.T) {
	for _, c := range []struct {
		name, value string
		says        []string
	}{
		{"COS_REGION", "cos.ap-guangzhou.myqcloud.com", []string{"is a host", "COS_ENDPOINT", "ap-guangzhou"}},
		{"COS_REGION", "ap-guangzhuo", []string{"did you mean ap-guangzhou?"}},
		{"COS_REGION", "guangzhou", []string{"did you mean ap-guangzhou?"}},
		{"COS_REGION", "us-east-1", []string{"not a COS region", "such as ap-guangzhou", "COS_ENDPOINT=cos.<region>.myqcloud.com"}},
		{"COS_ALLOWED_REGIONS", "ap-shanghai,ap-bejing", []string{"did you mean ap-beijing?"}},
		{"COS_ALLOWED_REGIONS", "ap-shanghai,cos.ap-beijing", []string{"plain region name"}},
		{"COS_BUCKET", "mybucket", []string{"name-APPID", "examplebucket-1250000000"}},
		{"COS_BUCKET", "MyBucket-1250000000", []string{"lower case"}},
		{"COS_BUCKET", "mybucket-", []string{"name-APPID"}},
		{"COS_BUCKET", "-1250000000", []string{"name-APPID"}},
		{"COS_ALLOWED_BUCKETS", "photos-1250000000,archive", []string{`"archive"`, "name-APPID"}},
		{"CORS_ALLOWED_ORIGINS", "https://app.example.com/", []string{"not an origin", "no path"}},
		{"CORS_ALLOWED_ORIGINS", "https://app.example.com/index.html", []string{"not an origin"}},
		{"CORS_ALLOWED_ORIGINS", "https://app.example.com?x=1", []string{"not an origin"}},
		{"CORS_ALLOWED_ORIGINS", "https://", []string{"not an origin"}},
		{"CORS_ALLOWED_ORIGINS", "https://*.example.com", []string{"wildcard"}},
		{"CORS_ALLOWED_ORIGINS", "https://user@app.example.com", []string{"not an origin"}},
	} {
		_, err := loadWith(map[string]string{c.name: c.value})
		require.Error(t, err, "%s=%s", c.name, c.value)
		assert.True(t, strings.HasPrefix(err.Error(), c.name+": "), "%s=%s: the error starts with the variable: %v", c.name, c.value, err)
		for _, s := range c.says {
			assert.Contains(t, err.Error(), s, "%s=%s", c.name, c.value)
		}
	}

	// What deployers write for real still loads.
	for name, value := range map[string]string{
		"COS_REGION":           "ap-beijing-1",
		"COS_ALLOWED_REGIONS":  "ap-shanghai, ap-hongkong,na-siliconvalley",
		"COS_ALLOWED_BUCKETS":  "photos-1250000000,logs-1300000001",
		"CORS_ALLOWED_ORIGINS": "https://app.example.com,http://localhost:5173,https://[::1]:8443,*",
	} {
		_, err := loadWith(map[string]string{name: value})
		assert.NoError(t, err, "%s=%s", name, value)
	}
	for _, region := range []string{"AP-Guangzhou", "cosgz", "cn-south", "cos.ap-guangzhou"} {
		_, err := loadWith(map[string]string{"COS_REGION": region})
		assert.NoError(t, err, "COS_REGION=%s: a form the official SDKs accept", region)
	}
}

// TestAuthenticatedCallersNeedKeyPrefixes: with callers authenticated and
// no prefixes, every caller could sign every key, each other's too.
func TestAuthenticatedCallersNeedKeyPrefixes(t *testing.T) {
	jwt := map[string]string{"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": strings.Repeat("s", 32)}
	gateway := map[string]string{"AUTH_MODE": "gateway"}
	for _, mode := range []map[string]string{jwt, gateway} {
		_, err := loadWith(mode)
		require.Error(t, err, mode["AUTH_MODE"])
		assert.Contains(t, err.Error(), "SIGN_KEY_PREFIXES")
		assert.Contains(t, err.Error(), "AUTH_MODE="+mode["AUTH_MODE"])
		assert.Contains(t, err.Error(), "users/{sub}/")
		assert.Contains(t, err.Error(), "*")

		for _, prefixes := range []string{"users/{sub}/", "*"} {
			env := map[string]string{"SIGN_KEY_PREFIXES": prefixes}
			for k, v := range mode {
				env[k] = v
			}
			_, err := loadWith(env)
			assert.NoError(t, err, "%s with SIGN_KEY_PREFIXES=%s", mode["AUTH_MODE"], prefixes)
		}
	}
	_, err := loadWith(nil)
	assert.NoError(t, err, "anonymous callers may read the whole bucket without naming it: they cannot write")

	// "*" is the whole bucket, said out loud.
	f := withIdentity(t, map[string]string{"SIGN_KEY_PREFIXES": "*"}, "alice")
	assert.Equal(t, 200, f.post("/presign", `{"key":"anywhere/a.txt","method":"GET"}`).status)
}

// TestPartLimitWithinSinglePut: a part URL re-sent with its params
// re-cased (PARTNUMBER=…&UPLOADID=…) is a PUT Object, so a part limit above
// SIGN_MAX_CONTENT_LENGTH would let a single PUT past it (review S2). The
// start is refused naming both, and /healthz says so.
func TestPartLimitWithinSinglePut(t *testing.T) {
	_, err := loadWith(map[string]string{"SIGN_MAX_CONTENT_LENGTH": "1048576", "SIGN_MAX_PART_LENGTH": "104857600"})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "SIGN_MAX_PART_LENGTH: "), "%v", err)
	assert.Contains(t, err.Error(), "SIGN_MAX_CONTENT_LENGTH (1048576)")
	health := Misconfigured(err, Options{}).Serve(context.Background(), &Request{Method: "GET", Path: "/healthz"})
	assert.Equal(t, 503, health.Status)
	assert.Contains(t, string(health.Body), "SIGN_MAX_PART_LENGTH: 104857600 is more than SIGN_MAX_CONTENT_LENGTH")

	for _, ok := range []map[string]string{
		{"SIGN_MAX_CONTENT_LENGTH": "1048576", "SIGN_MAX_PART_LENGTH": "1048576"},
		{"SIGN_MAX_CONTENT_LENGTH": "10485760", "SIGN_MAX_PART_LENGTH": "5242880"},
		{"SIGN_MAX_PART_LENGTH": "104857600"}, // no single-PUT limit to lift
	} {
		_, err := loadWith(ok)
		assert.NoError(t, err, "%v", ok)
	}
}

// TestCDNNeedsCOSBucket: the CDN serves COS_BUCKET only and is
// /download's default, so a CDN with only COS_ALLOWED_BUCKETS would answer
// every default download 400 CDNNotForBucket (review B2): refused at start.
func TestCDNNeedsCOSBucket(t *testing.T) {
	env := baseEnv()
	delete(env, "COS_BUCKET")
	for k, v := range map[string]string{"COS_ALLOWED_BUCKETS": "photos-1250000000,logs-1300000001",
		"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": "A", "CDN_AUTH_KEY": "cdnKeyNotReal0123", "CDN_AUTH_TTL": "3600"} {
		env[k] = v
	}
	_, err := LoadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "CDN_DOMAIN: "), "%v", err)
	assert.Contains(t, err.Error(), "COS_BUCKET is not")

	env["COS_BUCKET"] = testBucket
	_, err = LoadConfig(func(k string) string { return env[k] })
	assert.NoError(t, err, "with COS_BUCKET, the CDN serves it")
}

// TestMisconfiguredServiceSaysWhyEverywhere: a server that keeps listening
// with a refused configuration answers /healthz and every route with it.
func TestMisconfiguredServiceSaysWhyEverywhere(t *testing.T) {
	_, cause := loadWith(map[string]string{"COS_REGION": "ap-guangzhuo"})
	require.Error(t, cause)
	svc := Misconfigured(cause, Options{})
	for _, r := range []*Request{
		{Method: "GET", Path: "/healthz"},
		{Method: "POST", Path: "/presign", Body: []byte(`{"key":"a"}`)},
		{Method: "POST", Path: "/post-policy", Body: []byte(`{"key":"a","contentLength":1}`)},
	} {
		resp := svc.Serve(context.Background(), r)
		assert.Equal(t, 503, resp.Status, r.Path)
		var e struct {
			Error struct{ Code, Message string }
		}
		require.NoError(t, json.Unmarshal(resp.Body, &e))
		assert.Equal(t, "ConfigurationError", e.Error.Code, r.Path)
		assert.Contains(t, e.Error.Message, "COS_REGION: \"ap-guangzhuo\" is not a COS region: did you mean ap-guangzhou?", r.Path)
	}
	assert.NotPanics(t, func() { Misconfigured(errors.New("x"), Options{}) })
}

func TestNearestRegion(t *testing.T) {
	for name, want := range map[string]string{
		"ap-guangzhuo": "ap-guangzhou", "guangzhou": "ap-guangzhou", "ap-shangai": "ap-shanghai",
		"beijing": "ap-beijing", "na-silliconvalley": "na-siliconvalley", "us-east-1": "", "x": "",
	} {
		if got := nearestRegion(name); got != want {
			t.Errorf("nearestRegion(%q) = %q, want %q", name, got, want)
		}
	}
}
