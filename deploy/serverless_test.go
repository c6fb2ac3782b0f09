package deploy

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
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
	assert.ElementsMatch(t, used, names)
}
