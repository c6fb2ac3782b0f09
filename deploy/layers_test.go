package deploy

import (
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/cos-signer/cos-signer"

// layers is docs/development.md's map: for each package (a path, or a
// folder/... and everything under it), the project packages its shipped
// code may import. The layers point one way, signer (pure) ← policy ←
// sts, service ← the doors, and product code never imports a test kit.
var layers = []struct {
	pkg string
	may []string
	why string
}{
	{"signer/...", []string{"signer/..."}, "the algorithm: standard library only"},
	{"functions/policy", []string{"signer/..."}, "the key policy: pure, beneath both its users"},
	{"functions/auth", nil, "caller authentication: knows nothing of signing"},
	{"functions/sts", []string{"signer/...", "functions/policy"}, "vends credentials limited by the key policy"},
	{"functions/service", []string{"signer/...", "functions/policy", "functions/auth", "functions/sts"}, "the core every door calls"},
	{"functions/door", nil, "what the event doors do alike: standard library only"},
	{"functions/scf", []string{"functions/service", "functions/auth", "functions/door"}, "a door: no policy, no signing"},
	{"functions/lambda", []string{"functions/service", "functions/auth", "functions/door"}, "a door"},
	{"functions/web", []string{"functions/service", "functions/auth", "internal/localdev"}, "a door (and make run's demo mode)"},
	{"internal/localdev", nil, "make run's and make token's public, local-only token settings: shipped in the web binary"},
	{"internal/...", []string{"signer/...", "functions/policy", "functions/auth", "functions/sts", "functions/service", "internal/..."}, "test kits: never imported by shipped code, never a door"},
	{"cmd/...", []string{"internal/...", "functions/service", "functions/auth", "signer/..."}, "developer tools"},
	{"e2e", []string{"internal/..."}, "tests of the built binaries"},
	{"interop", []string{"internal/..."}, "tests with the official client SDKs"},
	{"deploy", nil, "tests of the repository itself"},
}

// matches reports whether rel (a path below the module) is pattern, or
// under it when pattern ends in /....
func matches(pattern, rel string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return rel == p || strings.HasPrefix(rel, p+"/")
	}
	return rel == pattern
}

// TestLayersPointOneWay reads the import graph with go list: every package
// of the module has its place in layers, and imports of the project only
// what its place allows (the shipped code's imports; tests may reach for
// the kits).
func TestLayersPointOneWay(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", out)
	var unplaced, arrows []string
	seen := 0
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		f := strings.Fields(line)
		rel := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		place := -1
		for i, l := range layers {
			if matches(l.pkg, rel) {
				place = i
				break
			}
		}
		if place < 0 {
			unplaced = append(unplaced, rel)
			continue
		}
		seen++
		for _, imp := range f[1:] {
			dep, ok := strings.CutPrefix(imp, module+"/")
			if !ok || dep == rel {
				continue
			}
			allowed := false
			for _, m := range layers[place].may {
				allowed = allowed || matches(m, dep)
			}
			if !allowed {
				arrows = append(arrows, rel+" → "+dep+" ("+layers[place].pkg+": "+layers[place].why+")")
			}
		}
	}
	sort.Strings(arrows)
	assert.Empty(t, unplaced, "packages without a place in layers (and docs/development.md's map)")
	assert.Empty(t, arrows, "imports against the layers")
	assert.Greater(t, seen, 15, "go list listed the module's packages")
}

// TestLayersMapIsDocumented: docs/development.md's table names every place
// of layers, so the map a reader follows is the one the test holds.
func TestLayersMapIsDocumented(t *testing.T) {
	doc := readFile(t, "docs/development.md")
	for _, l := range layers {
		assert.Contains(t, doc, "| `"+l.pkg+"` |", "docs/development.md's map has a row for %s", l.pkg)
	}
}
