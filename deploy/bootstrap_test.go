package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SCF web functions run scf_bootstrap, which must start the server on port
// 9000; a CRLF line ending or a missing exec bit breaks it only on SCF.
func TestSCFBootstrapStartsTheBuiltServerOnPort9000(t *testing.T) {
	path := filepath.Join(repoRoot(t), "deploy", "scf_bootstrap")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "scf_bootstrap must be executable")
	script := readFile(t, "deploy/scf_bootstrap")
	assert.True(t, strings.HasPrefix(script, "#!/bin/sh\n") || strings.HasPrefix(script, "#!/bin/bash\n"), "shebang")
	assert.NotContains(t, script, "\r", "LF line endings only")
	assert.Contains(t, script, "PORT=9000")

	// It execs the binary that build-web puts next to it.
	recipe := makeTarget(t, "build-web")
	m := regexp.MustCompile(`-o \$\(DIST\)/web/(\S+) \./functions/web`).FindStringSubmatch(recipe)
	require.NotNil(t, m, "build-web recipe: %s", recipe)
	assert.Regexp(t, `(?m)^exec \./`+regexp.QuoteMeta(m[1])+`\b`, script)
	assert.Contains(t, recipe, "deploy/scf_bootstrap $(DIST)/web/scf_bootstrap")
	assert.Contains(t, makeTarget(t, "package"), "$(DIST)/web.zip $(DIST)/web/scf_bootstrap $(DIST)/web/server")
}
