package deploy

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/signer"
)

// defaultsPlusRequired are the values a deployer who accepts every default
// must still type: the bucket, its region, and (for the default gateway
// authorizer) the token issuer and audience.
var defaultsPlusRequired = map[string]string{
	"CosBucket": "examplebucket-1250000000", "CosRegion": "ap-guangzhou",
	"AuthJwtIssuer": "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_example", "AuthJwtAudience": "cos-signer-web",
}

// templateEnv is the function's environment for the given parameters,
// with the secrets standing in for what Secrets Manager returns.
func templateEnv(t *testing.T, tpl map[string]any, params map[string]string) map[string]string {
	t.Helper()
	vars := at(signerFunction(t, tpl), "Properties", "Environment", "Variables")
	env, err := cfnEval{tpl: tpl, params: params}.eval(vars)
	require.NoError(t, err)
	out := map[string]string{}
	for k, v := range env.(map[string]any) {
		s, ok := v.(string)
		require.True(t, ok, "%s is not resolved to a string: %v", k, v)
		if secretRef.MatchString(s) {
			s = "resolvedSecretStandIn" + k
		}
		out[k] = s
	}
	return out
}

// TestTemplateDefaultsAreSafe: a deployer who accepts every default gets
// a folder per caller, a size limit, and callers authenticated by the
// gateway; the whole bucket must be asked for by name.
func TestTemplateDefaultsAreSafe(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	env := templateEnv(t, tpl, defaultsPlusRequired)
	assert.Equal(t, "users/{sub}/", env["SIGN_KEY_PREFIXES"])
	assert.Equal(t, "10485760", env["SIGN_MAX_CONTENT_LENGTH"], "10 MiB")
	assert.Equal(t, "gateway", env["AUTH_MODE"])
	assert.Contains(t, at(tpl, "Parameters", "SignKeyPrefixes", "Description"), "* is the whole bucket")
	assert.Contains(t, at(tpl, "Parameters", "SignMaxContentLength", "Description"), "10 MiB")

	cfg, err := service.LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err, "the defaults load")
	assert.Equal(t, auth.ModeGateway, cfg.Auth.Mode())
	assert.Equal(t, int64(10<<20), cfg.MaxContentLength)
	require.Len(t, cfg.KeyPrefixes, 1)
	assert.True(t, cfg.KeyPrefixes[0].Prefix.HasSub())

	// Emptying the prefixes with callers authenticated stops the function.
	for _, mode := range []string{"gateway", "jwt"} {
		p := map[string]string{"SignKeyPrefixes": "", "AuthMode": mode, "AuthJwtSecretName": "cos-signer/jwt"}
		for k, v := range defaultsPlusRequired {
			p[k] = v
		}
		env := templateEnv(t, tpl, p)
		_, err := service.LoadConfig(func(k string) string { return env[k] })
		require.Error(t, err, mode)
		assert.Contains(t, err.Error(), "SIGN_KEY_PREFIXES", mode)
	}

	// With the gateway, the issuer and audience are required at deploy
	// (CloudFormation Rules), not discovered missing by API Gateway later.
	rule := at(tpl, "Rules", "GatewayAuthorizerNeedsIssuerAndAudience")
	require.NotNil(t, rule)
	for _, c := range []struct {
		params map[string]string
		holds  bool
	}{
		{map[string]string{}, false},
		{map[string]string{"AuthJwtIssuer": "https://issuer.example.com"}, false},
		{map[string]string{"AuthJwtIssuer": "https://issuer.example.com", "AuthJwtAudience": "app"}, true},
		{map[string]string{"AuthMode": "jwt"}, true},
		{map[string]string{"AuthMode": "none"}, true},
	} {
		e := cfnEval{tpl: tpl, params: c.params}
		applies, err := e.eval(at(rule, "RuleCondition"))
		require.NoError(t, err)
		holds := true
		if applies == true {
			for _, a := range at(rule, "Assertions").([]any) {
				ok, err := e.eval(at(a, "Assert"))
				require.NoError(t, err)
				holds = holds && ok == true
				assert.Contains(t, at(a, "AssertDescription"), "AuthMode gateway needs AuthJwt")
			}
		}
		assert.Equal(t, c.holds, holds, "%v", c.params)
	}
}

// TestTemplateGatewayAuthorizer: with AuthMode gateway, the HTTP API's JWT
// authorizer (issuer and audience from the parameters) guards every route
// but GET /healthz and preflight; with another mode, no route has one.
func TestTemplateGatewayAuthorizer(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	body := at(tpl, "Resources", "SignerApi", "Properties", "DefinitionBody")
	require.NotNil(t, body, "SignerApi's DefinitionBody carries the authorizer")
	events, _ := at(signerFunction(t, tpl), "Properties", "Events").(map[string]any)

	for _, mode := range []string{"gateway", "jwt", "none"} {
		p := map[string]string{"AuthMode": mode}
		for k, v := range defaultsPlusRequired {
			p[k] = v
		}
		b, err := cfnEval{tpl: tpl, params: p}.eval(body)
		require.NoError(t, err)
		scheme := at(b, "components", "securitySchemes", "GatewayJwt")
		if mode != "gateway" {
			assert.Nil(t, scheme, mode)
		} else {
			require.NotNil(t, scheme)
			jwt := at(scheme, "x-amazon-apigateway-authorizer")
			assert.Equal(t, "jwt", at(jwt, "type"))
			assert.Equal(t, "$request.header.Authorization", at(jwt, "identitySource"), "the header the service's jwt mode reads too")
			assert.Equal(t, defaultsPlusRequired["AuthJwtIssuer"], at(jwt, "jwtConfiguration", "issuer"))
			assert.Equal(t, []any{defaultsPlusRequired["AuthJwtAudience"]}, at(jwt, "jwtConfiguration", "audience"))
		}
		for name, ev := range events {
			method, _ := at(ev, "Properties", "Method").(string)
			path, _ := at(ev, "Properties", "Path").(string)
			op := strings.ToLower(method)
			if op == "any" {
				op = "x-amazon-apigateway-any-method"
			}
			security := at(b, "paths", path, op, "security")
			open := (method == "GET" && path == "/healthz") || method == "OPTIONS"
			if mode == "gateway" && !open {
				assert.Equal(t, []any{map[string]any{"GatewayJwt": []any{}}}, security, "%s %s (%s) is behind the authorizer", method, path, name)
			} else {
				assert.Nil(t, security, "%s %s (%s) is open with AuthMode %s", method, path, name, mode)
			}
		}
	}
	var preflight bool
	for _, ev := range events {
		preflight = preflight || (at(ev, "Properties", "Method") == "OPTIONS" && at(ev, "Properties", "Path") == "/{proxy+}")
	}
	assert.True(t, preflight, "an open OPTIONS route, so that ANY /{proxy+} behind the authorizer does not catch preflight")
}

// fmtAny is a template scalar as CloudFormation passes it on: a string.
func fmtAny(v any) string { return fmt.Sprint(v) }

// TestTemplateAdmitsEveryCOSRegion: the stack parameter's pattern lets
// every COS region through (ap-beijing-1 and the -fsi regions included),
// and the function, not the pattern, refuses typos with a suggestion.
func TestTemplateAdmitsEveryCOSRegion(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	pattern, _ := at(tpl, "Parameters", "CosRegion", "AllowedPattern").(string)
	re := regexp.MustCompile(pattern)
	for _, r := range signer.Regions {
		assert.Regexp(t, re, r, "CosRegion's AllowedPattern refuses a COS region")
	}
	bucket, _ := at(tpl, "Parameters", "CosBucket", "AllowedPattern").(string)
	assert.NotRegexp(t, regexp.MustCompile(bucket), "mybucket", "a bucket without its APPID")
}
