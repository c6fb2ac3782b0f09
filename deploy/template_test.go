package deploy

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
)

// serviceRoutes are the service's routes: each must have its own HttpApi route.
var serviceRoutes = []string{
	"POST /auth",
	"GET /presign", "POST /presign",
	"GET /download", "POST /download",
	"POST /post-policy",
	"POST /batch",
	"GET /sts", "POST /sts",
	"GET /healthz",
}

// secretVars never come from a stack parameter: a parameter's value is
// kept in the stack's history and shown to anyone who can describe it.
var secretVars = []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_SESSION_TOKEN", "AUTH_JWT_SECRET", "CDN_AUTH_KEY"}

// goarchOf is the GOARCH for a Lambda architecture.
var goarchOf = map[string]string{"arm64": "arm64", "x86_64": "amd64"}

func signerFunction(t *testing.T, tpl map[string]any) map[string]any {
	t.Helper()
	resources, _ := at(tpl, "Resources").(map[string]any)
	var fns []string
	for name, r := range resources {
		if at(r, "Type") == "AWS::Serverless::Function" {
			fns = append(fns, name)
		}
	}
	require.Equal(t, []string{"SignerFunction"}, fns, "one function, SignerFunction (Makefile: build-SignerFunction), serves every route")
	fn, _ := resources["SignerFunction"].(map[string]any)
	return fn
}

// templateArch is Globals.Function.Architectures' one value.
func templateArch(t *testing.T, tpl map[string]any) string {
	t.Helper()
	arch, _ := at(tpl, "Globals", "Function", "Architectures").([]any)
	require.Len(t, arch, 1, "Globals.Function.Architectures")
	a, _ := arch[0].(string)
	require.Contains(t, goarchOf, a, "a literal arm64 or x86_64 (the Makefile reads it)")
	return a
}

func TestTemplateFunctionRunsTheBootstrapOnAL2023(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	assert.Equal(t, "AWS::Serverless-2016-10-31", tpl["Transform"])
	g := at(tpl, "Globals", "Function")
	assert.Equal(t, "provided.al2023", at(g, "Runtime"))
	assert.Equal(t, "bootstrap", at(g, "Handler"))
	templateArch(t, tpl)
	timeout, _ := at(g, "Timeout").(int)
	memory, _ := at(g, "MemorySize").(int)
	assert.True(t, timeout > 0 && timeout <= 30, "Timeout %v", at(g, "Timeout"))
	assert.GreaterOrEqual(t, memory, 128)

	fn := signerFunction(t, tpl)
	for _, p := range []string{"Runtime", "Handler", "Architectures"} {
		assert.Nil(t, at(fn, "Properties", p), "%s is set once, in Globals", p)
	}
	assert.Equal(t, "makefile", at(fn, "Metadata", "BuildMethod"), "sam build runs make build-SignerFunction")
	assert.Equal(t, ".", at(fn, "Properties", "CodeUri"), "the Makefile and go.mod sit at the root")
}

// TestBuildSignerFunctionFollowsTheTemplate runs make as sam build does,
// in a copy of the Makefile and the template: the binary it builds has the
// template's architecture, whichever it is (sam build does not tell make).
func TestBuildSignerFunctionFollowsTheTemplate(t *testing.T) {
	tpl := readFile(t, "template.yaml")
	for _, arch := range []string{"arm64", "x86_64"} {
		dir := t.TempDir()
		edited := regexp.MustCompile(`(?m)^(\s*Architectures:\s*)\[\w+\]`).ReplaceAllString(tpl, "${1}["+arch+"]")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(edited), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Makefile"), []byte(readFile(t, "Makefile")), 0o644))
		out := runMake(t, dir, nil, "-n", "build-SignerFunction", "ARTIFACTS_DIR="+dir+"/artifacts")
		assert.Contains(t, out, "GOARCH="+goarchOf[arch]+" ", arch)
		assert.Contains(t, out, "-tags lambda.norpc", arch)
		assert.Contains(t, out, "CGO_ENABLED=0 GOOS=linux", arch)
		assert.Contains(t, out, "-o "+dir+"/artifacts/bootstrap ./functions/lambda", arch)
	}
}

// TestBuildSignerFunctionRefusesWithoutArtifactsDir: run by hand, the
// target would otherwise write /bootstrap. GO=false keeps a recipe that
// does not refuse from building anything.
func TestBuildSignerFunctionRefusesWithoutArtifactsDir(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Makefile", "template.yaml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(readFile(t, f)), 0o644))
	}
	cmd := exec.Command("make", "build-SignerFunction", "GO=false")
	cmd.Dir = dir
	cmd.Env = withoutEnv(os.Environ(), "ARTIFACTS_DIR", "MAKEFLAGS")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), "ARTIFACTS_DIR", "the refusal names what is missing")
	assert.NotContains(t, string(out), "-o /bootstrap")
}

func TestTemplateRoutesEveryServiceRoute(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	fn := signerFunction(t, tpl)
	assert.Equal(t, "AWS::Serverless::HttpApi", at(tpl, "Resources", "SignerApi", "Type"))
	events, _ := at(fn, "Properties", "Events").(map[string]any)

	var routes []string
	for name, ev := range events {
		require.Equal(t, "HttpApi", at(ev, "Type"), "event %s", name)
		assert.Equal(t, map[string]any{"Ref": "SignerApi"}, at(ev, "Properties", "ApiId"), "event %s belongs to SignerApi", name)
		method, _ := at(ev, "Properties", "Method").(string)
		p, _ := at(ev, "Properties", "Path").(string)
		require.NotEmpty(t, method, "event %s", name)
		require.NotEmpty(t, p, "event %s", name)
		routes = append(routes, strings.ToUpper(method)+" "+p)
	}
	for _, r := range serviceRoutes {
		assert.Contains(t, routes, r)
	}
	assert.Contains(t, routes, "ANY /{proxy+}", "a catch-all lets the service answer 404/405 itself")

	// Each explicit route reaches a live route of the real service (not
	// its 404 or 405).
	svc := newService(t)
	for _, r := range routes {
		method, p, _ := strings.Cut(r, " ")
		if method == "ANY" {
			continue
		}
		resp := svc.Serve(context.Background(), &service.Request{Method: method, Path: p, Header: map[string]string{}, Body: []byte("{}")})
		assert.NotContains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, resp.Status, "%s: %s", r, resp.Body)
	}
}

// browserHeaders are the request headers a browser client may send that
// the service reads: the core's r.Header["…"], auth's headerValue(header,
// "…") and ServeHTTP's Header.Get("…"), less Origin, which the browser sets
// itself.
func browserHeaders(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	var files []string
	for _, dir := range []string{"service", "auth"} {
		fs, err := filepath.Glob(filepath.Join(repoRoot(t), "functions", dir, "*.go"))
		require.NoError(t, err)
		files = append(files, fs...)
	}
	literal := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			set[strings.ToLower(s)] = true
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IndexExpr: // r.Header["name"]
				if sel, ok := n.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Header" {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "r" {
						literal(n.Index)
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "headerValue" && len(n.Args) == 2 { // headerValue(header, "name")
					literal(n.Args[1])
				}
				if get, ok := n.Fun.(*ast.SelectorExpr); ok && get.Sel.Name == "Get" && len(n.Args) == 1 { // ….Header.Get("name")
					if hdr, ok := get.X.(*ast.SelectorExpr); ok && hdr.Sel.Name == "Header" {
						literal(n.Args[0])
					}
				}
			}
			return true
		})
	}
	delete(set, "origin")
	require.Contains(t, set, "authorization", "the scan found the headers the service reads")
	return sortedKeys(set)
}

// corsHeaderList is the one list of request headers a preflight allows:
// the service's own (local server, SCF Function URL, Lambda Function URL
// and ALB, which pass OPTIONS to the function) and the HTTP API's CORS
// configuration in template.yaml, which answers preflight itself.
func corsHeaderList() []string {
	var out []string
	for _, h := range strings.Split(service.DefaultCORSHeaders, ",") {
		out = append(out, strings.ToLower(strings.TrimSpace(h)))
	}
	return out
}

// TestOneCORSHeaderList: the service's preflight allows every header it
// reads (and the template repeats that list, checked above).
func TestOneCORSHeaderList(t *testing.T) {
	assert.Subset(t, corsHeaderList(), browserHeaders(t), "DefaultCORSHeaders lacks a header the service reads")
	svc := newService(t)
	resp := svc.Serve(context.Background(), &service.Request{Method: "OPTIONS", Path: "/presign",
		Header: map[string]string{"origin": "https://app.example.com", "access-control-request-method": "POST"}})
	var got []string
	for _, h := range strings.Split(resp.Header["Access-Control-Allow-Headers"], ",") {
		got = append(got, strings.ToLower(strings.TrimSpace(h)))
	}
	assert.Equal(t, corsHeaderList(), got, "the local preflight's Access-Control-Allow-Headers")
}

func TestTemplateApiHasThrottlingAndCorsForTheHeadersTheServiceReads(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	api := at(tpl, "Resources", "SignerApi", "Properties")
	for _, limit := range []string{"ThrottlingBurstLimit", "ThrottlingRateLimit"} {
		v, _ := at(api, "DefaultRouteSettings", limit).(int)
		assert.Positive(t, v, limit)
	}

	// With origins set, the API answers preflights for exactly those, and
	// for the headers the service reads.
	with, err := cfnEval{tpl: tpl, params: map[string]string{"CorsAllowedOrigins": "https://a.example.com,https://b.example.com"}}.eval(api)
	require.NoError(t, err)
	cors := at(with, "CorsConfiguration")
	require.NotNil(t, cors, "CorsConfiguration with origins set")
	assert.Equal(t, []any{"https://a.example.com", "https://b.example.com"}, at(cors, "AllowOrigins"))
	assert.Subset(t, at(cors, "AllowMethods"), []any{"GET", "POST"})
	var allow []string
	for _, h := range at(cors, "AllowHeaders").([]any) {
		allow = append(allow, strings.ToLower(h.(string)))
	}
	assert.Equal(t, corsHeaderList(), allow, "AllowHeaders is the service's own preflight list, DefaultCORSHeaders")
	assert.Contains(t, at(cors, "ExposeHeaders"), "x-request-id", "the service's own CORS answers expose it too")

	// Without origins, no CORS at all (not "*").
	without, err := cfnEval{tpl: tpl}.eval(api)
	require.NoError(t, err)
	assert.Nil(t, at(without, "CorsConfiguration"))

	assert.Contains(t, at(tpl, "Outputs", "ApiUrl", "Value", "Fn::Sub"), "execute-api")
}

// secretRef matches a Secrets Manager dynamic reference.
var secretRef = regexp.MustCompile(`^\{\{resolve:secretsmanager:[^{}]+\}\}$`)

func TestTemplateEnvironmentComesFromParametersAndTheSecretStore(t *testing.T) {
	tpl := loadCFN(t, "template.yaml")
	fn := signerFunction(t, tpl)
	vars, _ := at(fn, "Properties", "Environment", "Variables").(map[string]any)
	require.NotEmpty(t, vars)
	code := codeVars(t)
	for name := range vars {
		assert.Contains(t, code, name, "template.yaml sets a variable the code does not read")
	}
	for _, name := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_BUCKET", "COS_REGION", "AUTH_MODE", "SIGN_KEY_PREFIXES", "CORS_ALLOWED_ORIGINS"} {
		assert.Contains(t, vars, name, "a deployer sets %s", name)
	}

	params, _ := at(tpl, "Parameters").(map[string]any)
	assert.LessOrEqual(t, len(params), 13, "only what a deployer usually sets (sam deploy --guided asks each)")
	for name, p := range params {
		assert.NotEqual(t, true, at(p, "NoEcho"), "%s: secrets come from Secrets Manager, not from parameters", name)
		assert.NotEmpty(t, at(p, "Description"), name)
	}
	// Every parameter is used.
	used := map[string]bool{}
	refs(at(tpl, "Resources"), used)
	refs(at(tpl, "Conditions"), used)
	for name := range params {
		assert.True(t, used[name], "parameter %s is not used", name)
	}
	// Without a bucket or region a deploy is useless: no default.
	for _, p := range []string{"CosBucket", "CosRegion"} {
		assert.NotContains(t, params[p], "Default", "%s is required", p)
	}

	// A variable wired to a parameter names it in the parameter's
	// description; a secret is a dynamic reference, resolved at deploy.
	// With the parameters' defaults, AUTH_JWT_SECRET is left out (an empty
	// one beside AUTH_MODE=none is refused by the code).
	env, err := cfnEval{tpl: tpl, params: defaultsPlusRequired}.eval(vars)
	require.NoError(t, err)
	for name, raw := range vars {
		if slices.Contains(secretVars, name) {
			continue
		}
		if ref, ok := at(raw, "Ref").(string); ok {
			assert.Contains(t, at(params[ref], "Description"), name, "parameter %s's description names %s", ref, name)
		}
	}
	for _, name := range secretVars {
		v, set := env.(map[string]any)[name]
		if !set {
			continue
		}
		assert.Regexp(t, secretRef, v, "%s comes from Secrets Manager", name)
	}
	assert.NotContains(t, env, "AUTH_JWT_SECRET")
	withJWT, err := cfnEval{tpl: tpl, params: map[string]string{"CosBucket": "b-1250000000", "CosRegion": "ap-guangzhou", "AuthMode": "jwt", "AuthJwtSecretName": "cos-signer/jwt"}}.eval(vars)
	require.NoError(t, err)
	assert.Equal(t, "{{resolve:secretsmanager:cos-signer/jwt:SecretString}}", at(withJWT, "AUTH_JWT_SECRET"))

	// What the defaults deploy is a configuration the code accepts and can
	// sign with (the secrets stand in for what Secrets Manager returns).
	resolved := templateEnv(t, tpl, defaultsPlusRequired)
	cfg, err := service.LoadConfig(func(k string) string { return resolved[k] })
	require.NoError(t, err)
	assert.Empty(t, cfg.MissingCredentials)
	assert.Equal(t, "examplebucket-1250000000", cfg.Bucket)
}

// TestDescriptorsReferOnlyToFilesThatExist: a comment pointing to a file
// the repository does not have sends the deployer nowhere.
func TestDescriptorsReferOnlyToFilesThatExist(t *testing.T) {
	ref := regexp.MustCompile(`[\w./-]*\w\.(?:md|ya?ml|json|example|go|sh)\b|\b(?:docs|deploy|functions|cmd|events|dist)/[\w./-]*\w`)
	for _, f := range descriptors {
		for _, m := range ref.FindAllString(readFile(t, f), -1) {
			if strings.HasPrefix(m, "dist/") || strings.HasPrefix(m, "./dist/") {
				continue // written by make
			}
			_, err := os.Stat(filepath.Join(repoRoot(t), strings.TrimPrefix(m, "./")))
			assert.NoError(t, err, "%s refers to %s", f, m)
		}
	}
}

// descriptors are the deployment files a deployer reads.
var descriptors = []string{"template.yaml", "serverless.yml", "deploy/scf.env.example"}

// TestEveryVariableIsDocumentedWhereTheDescriptorsSay: the descriptors set
// only what a deployer usually sets and point to where the rest are
// described; that reference names every variable the code reads.
func TestEveryVariableIsDocumentedWhereTheDescriptorsSay(t *testing.T) {
	md := regexp.MustCompile(`[\w./-]*\w\.md\b`)
	code := codeVars(t)
	for _, f := range []string{"template.yaml", "serverless.yml"} {
		var docs string
		for _, m := range md.FindAllString(readFile(t, f), -1) {
			if b, err := os.ReadFile(filepath.Join(repoRoot(t), m)); err == nil {
				docs += string(b)
			}
		}
		require.NotEmpty(t, docs, "%s names the configuration reference", f)
		for _, v := range code {
			assert.Regexp(t, `\b`+v+`\b`, docs, "%s's configuration reference does not describe %s", f, v)
		}
	}
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

// runMake runs make in dir and returns its output; it must succeed.
func runMake(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("make", args...)
	cmd.Dir = dir
	cmd.Env = append(withoutEnv(os.Environ(), "MAKEFLAGS", "ARTIFACTS_DIR", "LAMBDA_ARCH"), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "make %v: %s", args, out)
	return string(out)
}

// withoutEnv drops the named variables from an environment.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
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
