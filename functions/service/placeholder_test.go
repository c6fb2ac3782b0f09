package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverless.yml passes ${env:NAME}; a variable missing at deploy time can
// reach the function as that literal text. It must not start with it, and
// the error names the variables, not their values.
func TestLoadConfigRefusesUnreplacedPlaceholders(t *testing.T) {
	env := baseEnv()
	env["COS_BUCKET"] = "${env:COS_BUCKET}"
	env["AUTH_JWT_SECRET"] = "${env:AUTH_JWT_SECRET}"
	_, err := LoadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "COS_BUCKET")
	assert.Contains(t, err.Error(), "AUTH_JWT_SECRET")
	assert.NotContains(t, err.Error(), "${env:")

	delete(env, "COS_BUCKET")
	delete(env, "AUTH_JWT_SECRET")
	_, err = LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
}
