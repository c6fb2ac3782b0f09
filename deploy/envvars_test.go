package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// configVar is the shape of a configuration variable's name.
var configVar = regexp.MustCompile(`^(SIGN|AUTH|COS|CORS|STS|CDN)_[A-Z0-9_]+$`)

// repoRoot is the module root: this package sits one level below it.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the deploy package must sit at the module root's first level")
	return root
}

// codeVars scans the shipped Go source under functions/ (no tests, no
// test helpers) for string literals that name a SIGN_/AUTH_/COS_/CORS_/STS_
// variable: the variables the service reads.
func codeVars(t testing.TB) []string {
	t.Helper()
	root := repoRoot(t)
	found := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join(root, "functions"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "internal":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && configVar.MatchString(s) {
				found[s] = true
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	return sortedKeys(found)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func TestCodeVarsFindsTheKnownVariables(t *testing.T) {
	vars := codeVars(t)
	// The scan must see the core's and the auth package's variables; an
	// empty or partial scan would make the descriptor checks vacuous.
	for _, v := range []string{"COS_SECRET_ID", "COS_SECRET_KEY", "COS_BUCKET", "COS_REGION", "SIGN_KEY_PREFIXES", "AUTH_MODE", "CORS_ALLOWED_ORIGINS", "STS_MODE", "STS_ROLE_ARN"} {
		require.Contains(t, vars, v)
	}
}
