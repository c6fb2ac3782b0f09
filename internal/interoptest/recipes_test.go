package interoptest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func page(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page.md")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// TestRecipesReadsMarkedBlocks: a marked block is taken byte for byte with
// its uses and defines; unmarked blocks that do not call the signer are
// left alone.
func TestRecipesReadsMarkedBlocks(t *testing.T) {
	code := "const cos = new COS({ url: 'https://signer.example.com/auth' }); // \"as is\"\n  done();\n"
	rs, err := Recipes(page(t, "# Page\n\n```js\nconsole.log('not a recipe');\n```\n\n<!-- recipe one: uses COS, done; defines cos -->\n```js\n"+code+"```\n\n<!-- recipe two: uses wx -->\n```js\nwx.request({});\n```\n"))
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, Recipe{Name: "one", Page: rs[0].Page, Line: 8, Uses: []string{"COS", "done"}, Defines: []string{"cos"}, Code: code}, rs[0])
	assert.Equal(t, "two", rs[1].Name)
	assert.Nil(t, rs[1].Defines)
}

// TestRecipesRefusesWhatWouldGoUntested: a block that calls the signer is
// a recipe or says why it is not run; a marker that does not parse and a
// name used twice are errors, not blocks silently left out.
func TestRecipesRefusesWhatWouldGoUntested(t *testing.T) {
	for name, c := range map[string]struct{ text, err string }{
		"unmarked signer call": {"```js\nfetch('https://signer.example.com/auth');\n```\n", "neither"},
		"malformed marker":     {"<!-- recipe one uses COS -->\n```js\nx();\n```\n", "is not <!-- recipe"},
		"duplicate name":       {"<!-- recipe one: uses a -->\n```js\na();\n```\n<!-- recipe one: uses b -->\n```js\nb();\n```\n", "a second recipe named one"},
	} {
		_, err := Recipes(page(t, c.text))
		assert.ErrorContains(t, err, c.err, name)
	}
	rs, err := Recipes(page(t, "<!-- untested: shown, not run -->\n```js\nfetch('https://signer.example.com/auth');\n```\n"))
	assert.NoError(t, err)
	assert.Empty(t, rs)
}

// TestEveryPagesRecipesAreGenerated: every page of the repository parses,
// and a page with recipes is one RecipePages generates (else its recipes
// would never run).
func TestEveryPagesRecipesAreGenerated(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(Dir(t), "..", "docs", "*.md"))
	require.NoError(t, err)
	pages = append(pages, filepath.Join(Dir(t), "..", "README.md"))
	for _, p := range pages {
		rs, err := Recipes(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel(filepath.Join(Dir(t), ".."), p)
		if len(rs) > 0 {
			assert.Contains(t, RecipePages, filepath.ToSlash(rel), "%s has recipes", rel)
		}
	}
}

// TestEveryRecipeIsRun: each generated recipe is called by an interop
// script or page (…['name'](…)), so marking a block is never the end of it.
func TestEveryRecipeIsRun(t *testing.T) {
	dir := Dir(t)
	var scripts strings.Builder
	for _, glob := range []string{"*.js", "browser/*.js"} {
		files, err := filepath.Glob(filepath.Join(dir, glob))
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			scripts.Write(b)
		}
	}
	for _, p := range RecipePages {
		rs, err := Recipes(p)
		require.NoError(t, err)
		for _, r := range rs {
			assert.True(t, strings.Contains(scripts.String(), "['"+r.Name+"']("), "%s:%d: recipe %s is run by no interop script", r.Page, r.Line, r.Name)
		}
	}
}
