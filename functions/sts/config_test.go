package sts

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func load(env map[string]string, cosRegion string, token bool) (Config, error) {
	return LoadConfig(func(n string) string { return env[n] }, cosRegion, token)
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := load(nil, testRegion, false)
	require.NoError(t, err)
	assert.False(t, c.On())
	c, err = load(map[string]string{"STS_MODE": "Federation"}, "cosgz", false)
	require.NoError(t, err)
	assert.Equal(t, Config{Mode: ModeFederation, Duration: 1800, Host: "sts.tencentcloudapi.com", Scheme: "https", Region: "ap-guangzhou",
		CallerRate: DefaultCallerRate, CallerBurst: DefaultCallerBurst}, c)
	c, err = load(map[string]string{"STS_MODE": "assume-role", "STS_ROLE_ARN": testRole, "STS_DURATION": "43200",
		"STS_ENDPOINT": "https://sts.internal.tencentcloudapi.com", "STS_REGION": "cos.ap-shanghai"}, testRegion, true)
	require.NoError(t, err)
	assert.Equal(t, Config{Mode: ModeAssumeRole, RoleARN: testRole, Duration: 43200, Host: "sts.internal.tencentcloudapi.com", Scheme: "https", Region: "ap-shanghai",
		CallerRate: DefaultCallerRate, CallerBurst: DefaultCallerBurst}, c)
	c, err = load(map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "http://127.0.0.1:8080", "STS_DURATION": "129600"}, testRegion, false)
	require.NoError(t, err)
	assert.Equal(t, "http", c.Scheme)
	assert.Equal(t, "127.0.0.1:8080", c.Host)
	_, err = load(map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "http://[::1]:8080"}, testRegion, false)
	require.NoError(t, err)
}

func TestLoadConfigStartUpErrors(t *testing.T) {
	cases := []struct {
		env   map[string]string
		token bool
		names string
	}{
		{map[string]string{"STS_MODE": "auto"}, false, "STS_MODE"},
		{map[string]string{"STS_MODE": "federation"}, true, "STS_MODE"},
		{map[string]string{"STS_MODE": "assume-role"}, true, "STS_ROLE_ARN"},
		{map[string]string{"STS_MODE": "assume-role", "STS_ROLE_ARN": "cos-uploader"}, true, "STS_ROLE_ARN"},
		{map[string]string{"STS_MODE": "assume-role", "STS_ROLE_ARN": testRole, "STS_DURATION": "43201"}, true, "STS_DURATION"},
		{map[string]string{"STS_MODE": "federation", "STS_DURATION": "129601"}, false, "STS_DURATION"},
		{map[string]string{"STS_MODE": "federation", "STS_DURATION": "0"}, false, "STS_DURATION"},
		{map[string]string{"STS_MODE": "federation", "STS_DURATION": "1h"}, false, "STS_DURATION"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "http://sts.tencentcloudapi.com"}, false, "STS_ENDPOINT"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "http://10.0.0.1"}, false, "STS_ENDPOINT"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "ftp://127.0.0.1"}, false, "STS_ENDPOINT"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "https://sts.tencentcloudapi.com/path"}, false, "STS_ENDPOINT"},
		{map[string]string{"STS_MODE": "federation", "STS_ENDPOINT": "sts tencent"}, false, "STS_ENDPOINT"},
		{map[string]string{"STS_MODE": "federation", "STS_REGION": "ap_guangzhou"}, false, "STS_REGION"},
	}
	for _, c := range cases {
		_, err := load(c.env, testRegion, c.token)
		require.Error(t, err, "%v", c.env)
		assert.Contains(t, err.Error(), c.names+":", "%v", c.env)
	}
	_, err := load(map[string]string{"STS_MODE": "federation"}, "", false)
	assert.ErrorContains(t, err, "STS_REGION:")
}
