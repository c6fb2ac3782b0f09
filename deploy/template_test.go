package deploy

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
)

// serviceRoutes are DESIGN.md's routes: each must have its own HttpApi route.
var serviceRoutes = []string{
	"POST /auth",
	"GET /presign", "POST /presign",
	"GET /download", "POST /download",
	"POST /post-policy",
	"POST /batch",
	"GET /sts", "POST /sts",
	"GET /healthz",
}

// secretVars must come from NoEcho parameters.
var secretVars = []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_SESSION_TOKEN", "AUTH_JWT_SECRET"}

// openTemplate parses template.yaml with every Ref kept as "ref:<name>", so
// the test sees what each value is wired to; a Number parameter resolves to
// its default (goformation types those properties as int).
func openTemplate(t *testing.T) *cloudformation.Template {
	t.Helper()
	tpl, err := goformation.OpenWithOptions(filepath.Join(repoRoot(t), "template.yaml"), &intrinsics.ProcessorOptions{
		IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{
			"Ref": func(_ string, input any, template any) any {
				name, _ := input.(string)
				if p := parameter(template, name); p["Type"] == "Number" {
					return p["Default"]
				}
				return "ref:" + name
			},
		},
	})
	require.NoError(t, err, "goformation rejects template.yaml")
	return tpl
}

// parameter is a raw template's parameter, or nil.
func parameter(template any, name string) map[string]any {
	tpl, _ := template.(map[string]any)
	params, _ := tpl["Parameters"].(map[string]any)
	p, _ := params[name].(map[string]any)
	return p
}

func signerFunction(t *testing.T, tpl *cloudformation.Template) *serverless.Function {
	t.Helper()
	fns := tpl.GetAllServerlessFunctionResources()
	require.Len(t, fns, 1, "one function serves every route")
	fn, ok := fns["SignerFunction"]
	require.True(t, ok, "the function is SignerFunction (Makefile: build-SignerFunction)")
	return fn
}

func TestTemplateFunctionRunsTheBootstrapOnAL2023Arm64(t *testing.T) {
	tpl := openTemplate(t)
	assert.Equal(t, "AWS::Serverless-2016-10-31", firstTransform(t, tpl))

	// goformation does not merge Globals: read them and the function both.
	g, ok := tpl.Globals["Function"].(*global.Function)
	require.True(t, ok, "Globals.Function is missing")
	fn := signerFunction(t, tpl)
	runtime, handler, arch := fn.Runtime, fn.Handler, fn.Architectures
	if runtime == nil {
		runtime = g.Runtime
	}
	if handler == nil {
		handler = g.Handler
	}
	if arch == nil && g.Architectures != nil {
		arch = *g.Architectures
	}
	require.NotNil(t, runtime)
	require.NotNil(t, handler)
	assert.Equal(t, "provided.al2023", *runtime)
	assert.Equal(t, "bootstrap", *handler)
	assert.Equal(t, []string{"arm64"}, arch)
	require.NotNil(t, g.Timeout)
	require.NotNil(t, g.MemorySize)
	assert.LessOrEqual(t, *g.Timeout, 30)
	assert.GreaterOrEqual(t, *g.MemorySize, 128)

	// SAM runs `make build-SignerFunction`, which must write a norpc
	// bootstrap for the template's architecture into ARTIFACTS_DIR.
	assert.Equal(t, "makefile", fn.AWSCloudFormationMetadata["BuildMethod"])
	recipe := makeTarget(t, "build-SignerFunction")
	assert.Contains(t, recipe, "-o $(ARTIFACTS_DIR)/bootstrap")
	assert.Contains(t, recipe, "-tags lambda.norpc")
	assert.Contains(t, recipe, "GOARCH=$(LAMBDA_ARCH)")
	assert.Regexp(t, `(?m)^LAMBDA_ARCH\s*\?=\s*arm64$`, readFile(t, "Makefile"), "the Makefile's default arch is the template's")
	assert.Contains(t, makeTarget(t, "GOBUILD"), "CGO_ENABLED=0 GOOS=linux")
}

func TestTemplateRoutesEveryServiceRoute(t *testing.T) {
	tpl := openTemplate(t)
	fn := signerFunction(t, tpl)
	apis := tpl.GetAllServerlessHttpApiResources()
	require.Contains(t, apis, "SignerApi")

	var routes []string
	for name, ev := range fn.Events {
		require.Equal(t, "HttpApi", ev.Type, "event %s", name)
		require.NotNil(t, ev.Properties.HttpApiEvent, "event %s", name)
		p := ev.Properties.HttpApiEvent
		require.NotNil(t, p.Method, "event %s", name)
		require.NotNil(t, p.Path, "event %s", name)
		assert.Equal(t, "ref:SignerApi", anyString(p.ApiId), "event %s belongs to SignerApi", name)
		routes = append(routes, strings.ToUpper(*p.Method)+" "+*p.Path)
	}
	for _, r := range serviceRoutes {
		assert.Contains(t, routes, r)
	}
	assert.Contains(t, routes, "ANY /{proxy+}", "a catch-all lets the service answer 404/405 itself")
	assert.Len(t, routes, len(serviceRoutes)+1, "no route beyond the service's: %v", routes)

	// Each explicit route reaches a live route of the real service (not
	// its 404 or 405).
	svc := newService(t)
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if method == "ANY" {
			continue
		}
		resp := svc.Serve(context.Background(), &service.Request{Method: method, Path: path, Header: map[string]string{}, Body: []byte("{}")})
		assert.NotContains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, resp.Status, "%s: %s", r, resp.Body)
	}
}

func TestTemplateApiHasThrottlingCorsAndAnURL(t *testing.T) {
	tpl := openTemplate(t)
	api := tpl.GetAllServerlessHttpApiResources()["SignerApi"]
	require.NotNil(t, api)
	require.NotNil(t, api.DefaultRouteSettings)
	// Both limits come from Number parameters with finite defaults.
	for p, v := range map[string]*float64{"ThrottlingBurstLimit": ptrFloat(api.DefaultRouteSettings.ThrottlingBurstLimit), "ThrottlingRateLimit": api.DefaultRouteSettings.ThrottlingRateLimit} {
		require.Contains(t, tpl.Parameters, p)
		assert.Equal(t, "Number", tpl.Parameters[p].Type)
		require.NotNil(t, v, "%s is wired into DefaultRouteSettings", p)
		assert.Positive(t, *v, p)
		assert.Equal(t, tpl.Parameters[p].Default, *v, p)
	}

	// With origins set, the API answers preflights for exactly those.
	cors := parseWith(t, map[string]any{"CorsAllowedOrigins": "https://a.example.com,https://b.example.com"})
	cc := cors.GetAllServerlessHttpApiResources()["SignerApi"].CorsConfiguration
	require.NotNil(t, cc, "CorsConfiguration with origins set")
	require.NotNil(t, cc.CorsConfigurationObject)
	assert.Equal(t, []string{"https://a.example.com", "https://b.example.com"}, cc.CorsConfigurationObject.AllowOrigins)
	assert.Subset(t, cc.CorsConfigurationObject.AllowMethods, []string{"GET", "POST"})
	assert.Contains(t, cc.CorsConfigurationObject.AllowHeaders, "authorization")
	assert.Contains(t, cc.CorsConfigurationObject.AllowHeaders, "content-type")
	// Without origins, no CORS at all (not "*").
	none := parseWith(t, map[string]any{"CorsAllowedOrigins": ""})
	assert.Nil(t, none.GetAllServerlessHttpApiResources()["SignerApi"].CorsConfiguration)

	out, ok := tpl.Outputs["ApiUrl"]
	require.True(t, ok, "Outputs.ApiUrl")
	assert.Contains(t, anyString(out.Value), "execute-api")
}

func TestTemplateEnvironmentIsExactlyWhatTheCodeReads(t *testing.T) {
	tpl := openTemplate(t)
	fn := signerFunction(t, tpl)
	require.NotNil(t, fn.Environment)
	vars := fn.Environment.Variables
	assert.Equal(t, codeVars(t), sortedKeys(vars), "template.yaml's Environment.Variables against the SIGN_/AUTH_/COS_/CORS_ names in functions/")

	for name, value := range vars {
		// Each variable is wired to its own parameter, named after it.
		want := "ref:" + paramName(name)
		if !assert.Equal(t, want, value, "%s", name) {
			continue
		}
		p, ok := tpl.Parameters[paramName(name)]
		if !assert.True(t, ok, "parameter %s for %s", paramName(name), name) {
			continue
		}
		assert.Equal(t, "String", p.Type, "%s", name)
		assert.Contains(t, anyString(p.Description), name, "the parameter's description names the variable")
	}
	for _, name := range secretVars {
		p := tpl.Parameters[paramName(name)]
		assert.True(t, p.NoEcho != nil && *p.NoEcho, "%s must be NoEcho", name)
	}
	// Without a bucket, region or credentials a deploy is useless: no default.
	for _, name := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_BUCKET", "COS_REGION"} {
		assert.Nil(t, tpl.Parameters[paramName(name)].Default, "%s is required", name)
	}
}

// paramName is the CloudFormation parameter for a variable:
// SIGN_MAX_EXPIRED → SignMaxExpired.
func paramName(v string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(v), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func TestParamName(t *testing.T) {
	assert.Equal(t, "SignMaxExpired", paramName("SIGN_MAX_EXPIRED"))
	assert.Equal(t, "CosSecretId", paramName("COS_SECRET_ID"))
	assert.Equal(t, "AuthJwks", paramName("AUTH_JWKS"))
}

func parseWith(t *testing.T, params map[string]any) *cloudformation.Template {
	t.Helper()
	tpl, err := goformation.OpenWithOptions(filepath.Join(repoRoot(t), "template.yaml"), &intrinsics.ProcessorOptions{
		ParameterOverrides: params,
		EvaluateConditions: true,
	})
	require.NoError(t, err)
	return tpl
}

func firstTransform(t *testing.T, tpl *cloudformation.Template) string {
	t.Helper()
	require.NotNil(t, tpl.Transform)
	b, err := json.Marshal(tpl.Transform)
	require.NoError(t, err)
	var one string
	if json.Unmarshal(b, &one) == nil {
		return one
	}
	var many []string
	require.NoError(t, json.Unmarshal(b, &many))
	require.NotEmpty(t, many)
	return many[0]
}

func anyString(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case *string:
		if s != nil {
			return *s
		}
		return ""
	}
	b, _ := json.Marshal(v)
	var str string
	if json.Unmarshal(b, &str) == nil {
		return str
	}
	return string(b)
}

func readFile(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	require.NoError(t, err)
	return string(b)
}

// makeTarget returns a Makefile target's recipe (or a variable's value).
func makeTarget(t testing.TB, name string) string {
	t.Helper()
	mk := readFile(t, "Makefile")
	if m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*[?:]?=\s*(.*)$`).FindStringSubmatch(mk); m != nil {
		return m[1]
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:[^\n]*\n((?:\t[^\n]*\n)+)`).FindStringSubmatch(mk)
	require.NotNil(t, m, "Makefile target %s", name)
	return m[1]
}

// newService builds the real service with the sample events' environment.
func newService(t *testing.T) *service.Service {
	t.Helper()
	var env map[string]string
	require.NoError(t, json.Unmarshal([]byte(readFile(t, "events/env.json")), &env))
	cfg, err := service.LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	svc, err := service.New(cfg, service.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return svc
}

func ptrFloat(i *int) *float64 {
	if i == nil {
		return nil
	}
	f := float64(*i)
	return &f
}
