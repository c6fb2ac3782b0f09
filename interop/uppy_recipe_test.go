package interop

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// jsBlock is a fenced JavaScript block of a Markdown page.
var jsBlock = regexp.MustCompile("(?s)```js\n(.*?)```")

// TestUppyRecipeIsWhatTheBrowserRuns holds docs/uppy.md to the code
// make test-browser runs: every JavaScript block of the page appears, line
// for line (indentation aside), in the recipe (lib/uppy-recipe.js) or the
// page that sets Uppy up with it (browser/uppy-run.js).
func TestUppyRecipeIsWhatTheBrowserRuns(t *testing.T) {
	root, err := runtimeharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(path string) string {
		b, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tested := []string{lines(read("interop/lib/uppy-recipe.js")), lines(read("interop/browser/uppy-run.js"))}
	blocks := jsBlock.FindAllStringSubmatch(read("docs/uppy.md"), -1)
	if len(blocks) < 2 {
		t.Fatalf("docs/uppy.md has %d JavaScript blocks, want the recipe and its setup", len(blocks))
	}
	for i, b := range blocks {
		block := lines(b[1])
		if !strings.Contains(tested[0], block) && !strings.Contains(tested[1], block) {
			t.Errorf("docs/uppy.md's JavaScript block %d is not in interop/lib/uppy-recipe.js or interop/browser/uppy-run.js as the test runs it:\n%s", i+1, b[1])
		}
	}
}

// lines is text with each line's indentation dropped, so that a block
// quoted at another depth still matches.
func lines(text string) string {
	ls := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimSpace(l)
	}
	return "\n" + strings.Join(ls, "\n") + "\n"
}
