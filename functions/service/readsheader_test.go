package service

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadsHeaderIsComplete: the request headers the code looks at (the
// core's r.Header["…"], auth's headerValue(header, "…")) are exactly the
// ones ReadsHeader names, so an adapter that keeps only those loses nothing.
func TestReadsHeaderIsComplete(t *testing.T) {
	read := map[string]bool{}
	for _, dir := range []string{".", "../auth"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			require.NoError(t, err)
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.IndexExpr: // r.Header["name"]
					if sel, ok := n.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Header" {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "r" {
							read[literal(t, n.Index)] = true
						}
					}
				case *ast.CallExpr: // headerValue(header, "name")
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "headerValue" {
						read[literal(t, n.Args[1])] = true
					}
				}
				return true
			})
		}
	}
	assert.Len(t, read, len(readHeaders))
	for name := range read {
		assert.True(t, ReadsHeader(name), "the code reads %q, ReadsHeader does not name it", name)
	}
	assert.False(t, ReadsHeader("host"))
	assert.False(t, ReadsHeader("Origin"), "names are lower-case")
}

func literal(t *testing.T, e ast.Expr) string {
	lit, ok := e.(*ast.BasicLit)
	require.True(t, ok && lit.Kind == token.STRING, "a header read by a name that is not a literal: the list cannot be checked")
	s, err := strconv.Unquote(lit.Value)
	require.NoError(t, err)
	return s
}
