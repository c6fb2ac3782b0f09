package deploy

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cos-signer/cos-signer/functions/service"
)

// scfComponent is the part of serverless.yml (Serverless Cloud Framework,
// component scf) that the checks below speak of.
type scfComponent struct {
	App       string `yaml:"app"`
	Stage     string `yaml:"stage"`
	Component string `yaml:"component"`
	Name      string `yaml:"name"`
	Inputs    struct {
		Name        string               `yaml:"name"`
		Src         struct{ Src string } `yaml:"src"`
		Type        string               `yaml:"type"`
		Handler     string               `yaml:"handler"`
		Runtime     string               `yaml:"runtime"`
		Region      string               `yaml:"region"`
		Description string               `yaml:"description"`
		MemorySize  int                  `yaml:"memorySize"`
		Timeout     int                  `yaml:"timeout"`
		Role        string               `yaml:"role"`
		Environment struct {
			Variables map[string]string `yaml:"variables"`
		} `yaml:"environment"`
		Events []map[string]struct {
			Parameters struct {
				NetConfig struct {
					EnableIntranet *bool `yaml:"enableIntranet"`
					EnableExtranet *bool `yaml:"enableExtranet"`
				} `yaml:"netConfig"`
				AuthType  string `yaml:"authType"`
				Qualifier string `yaml:"qualifier"`
			} `yaml:"parameters"`
		} `yaml:"events"`
	} `yaml:"inputs"`
}

func openServerless(t *testing.T) scfComponent {
	t.Helper()
	var c scfComponent
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, "serverless.yml")))
	dec.KnownFields(true) // a misspelt key fails here rather than at deploy
	require.NoError(t, dec.Decode(&c))
	return c
}

func TestServerlessRunsTheBuiltSCFBinary(t *testing.T) {
	c := openServerless(t)
	assert.Equal(t, "scf", c.Component)
	assert.Regexp(t, `^[A-Za-z][\w-]{0,58}[A-Za-z0-9]$`, c.Name, "SCF's function name rule")
	in := c.Inputs
	assert.Equal(t, "event", in.Type, "scf-go-lib serves event functions")
	assert.Equal(t, "Go1", in.Runtime)
	assert.NotEmpty(t, in.Region)
	assert.Contains(t, []int{64, 128, 256, 512, 1024}, in.MemorySize)
	assert.Positive(t, in.Timeout)

	// The handler is the binary the Makefile builds for SCF (amd64), and
	// src is the directory it lands in.
	recipe := makeTarget(t, "build-scf")
	m := regexp.MustCompile(`GOARCH=(\S+) .*-o (\S+) \./functions/scf`).FindStringSubmatch(recipe)
	require.NotNil(t, m, "build-scf recipe: %s", recipe)
	assert.Equal(t, "amd64", m[1], "SCF's Go1 runtime is linux/amd64")
	out := strings.ReplaceAll(m[2], "$(DIST)", "dist")
	assert.Equal(t, path.Base(out), in.Handler)
	assert.Equal(t, "./"+path.Dir(out), in.Src.Src)
	assert.Contains(t, makeTarget(t, "package"), "-o $(DIST)/scf.zip $(DIST)/scf/main")
}

func TestServerlessHasAPublicFunctionURL(t *testing.T) {
	in := openServerless(t).Inputs
	require.Len(t, in.Events, 1)
	ev, ok := in.Events[0]["http"]
	require.True(t, ok, "the trigger is the Function URL (http), not the retired apigw")
	p := ev.Parameters
	require.NotNil(t, p.NetConfig.EnableExtranet)
	require.NotNil(t, p.NetConfig.EnableIntranet)
	assert.True(t, *p.NetConfig.EnableExtranet)
	assert.False(t, *p.NetConfig.EnableIntranet)
	assert.Equal(t, "NONE", p.AuthType, "callers authenticate to the service (AUTH_MODE), not to SCF")
}

func TestServerlessEnvironmentIsWhatADeployerSets(t *testing.T) {
	in := openServerless(t).Inputs
	vars := in.Environment.Variables
	code := codeVars(t)
	for name, value := range vars {
		assert.Contains(t, code, name, "serverless.yml sets a variable the code does not read")
		// Values come from .env or the deploying shell, never from the file.
		assert.Equal(t, "${env:"+name+"}", value, "%s", name)
	}
	for _, name := range []string{"COS_BUCKET", "COS_REGION", "AUTH_MODE", "SIGN_KEY_PREFIXES", "CORS_ALLOWED_ORIGINS"} {
		assert.Contains(t, vars, name, "a deployer sets %s", name)
	}
	// No key in the function's configuration: SCF hands it the role's
	// temporary keys (TENCENTCLOUD_*), which the code falls back to.
	for _, name := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_SESSION_TOKEN"} {
		assert.NotContains(t, vars, name)
	}
	assert.Equal(t, "${env:SCF_ROLE}", in.Role, "the function runs with a CAM role")
	assert.Contains(t, readFile(t, "functions/service/credentials.go"), `"TENCENTCLOUD_SECRETID"`, "the code reads the role's keys")
}

// TestSCFEnvExampleListsEveryVariable keeps deploy/scf.env.example (the
// .env the scf CLI reads) complete: a variable missing there reaches the
// function as a literal ${env:NAME}.
func TestSCFEnvExampleListsEveryVariable(t *testing.T) {
	var names []string
	for _, line := range strings.Split(readFile(t, "deploy/scf.env.example"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		require.True(t, ok, "line %q is not NAME=value", line)
		names = append(names, name)
		if strings.Contains(name, "SECRET") || strings.Contains(name, "TOKEN") {
			assert.Empty(t, value, "%s: the example holds no secret", name)
		}
	}
	var used []string
	for _, m := range regexp.MustCompile(`\$\{env:(\w+)\}`).FindAllStringSubmatch(readFile(t, "serverless.yml"), -1) {
		used = append(used, m[1])
	}
	slices.Sort(used)
	assert.ElementsMatch(t, slices.Compact(used), names, "COS_REGION is used twice: the function's region and the variable")
}

// scfEnvExample is deploy/scf.env.example as NAME → value.
func scfEnvExample(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(readFile(t, "deploy/scf.env.example"), "\n") {
		line = strings.TrimSpace(line)
		if name, value, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[name] = value
		}
	}
	return out
}

// TestSCFDefaultsAreSafe: the .env a deployer copies gives a folder per
// caller, a size limit and verified callers; filled in with only the
// bucket and region, it stops at start asking for a token key rather than
// serving anyone. The function follows the bucket's region.
func TestSCFDefaultsAreSafe(t *testing.T) {
	ex := scfEnvExample(t)
	assert.Equal(t, "users/{sub}/", ex["SIGN_KEY_PREFIXES"])
	assert.Equal(t, "10485760", ex["SIGN_MAX_CONTENT_LENGTH"], "the templates' one default, 10 MiB")
	assert.Equal(t, "jwt", ex["AUTH_MODE"], "SCF's Function URL has no authorizer: the function verifies callers")
	assert.Equal(t, "${env:COS_REGION}", openServerless(t).Inputs.Region, "no hard-coded region: the function runs beside the bucket")

	// What the SCF function sees: the example, the bucket, the role's keys.
	ex["COS_BUCKET"], ex["COS_REGION"] = "examplebucket-1250000000", "ap-shanghai"
	ex["TENCENTCLOUD_SECRETID"], ex["TENCENTCLOUD_SECRETKEY"] = "AKIDroleKeyStandIn", "roleSecretStandIn"
	_, err := service.LoadConfig(func(k string) string { return ex[k] })
	require.Error(t, err, "without a token key the function does not start")
	assert.Contains(t, err.Error(), "AUTH_JWT_SECRET")

	ex["AUTH_JWT_SECRET"] = strings.Repeat("k", 48)
	cfg, err := service.LoadConfig(func(k string) string { return ex[k] })
	require.NoError(t, err)
	assert.Equal(t, int64(10<<20), cfg.MaxContentLength)
	require.Len(t, cfg.KeyPrefixes, 1)
	assert.True(t, cfg.KeyPrefixes[0].Prefix.HasSub())

	ex["SIGN_KEY_PREFIXES"] = ""
	_, err = service.LoadConfig(func(k string) string { return ex[k] })
	require.Error(t, err, "the whole bucket is never implied")
	assert.Contains(t, err.Error(), "SIGN_KEY_PREFIXES")

	tpl := loadCFN(t, "template.yaml")
	assert.Equal(t, ex["SIGN_MAX_CONTENT_LENGTH"], fmtAny(at(tpl, "Parameters", "SignMaxContentLength", "Default")), "one default size limit for both templates")
}
