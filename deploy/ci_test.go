package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLintShowsProgressAndKeepsVetsVerdict runs the Makefile's lint in a
// small module with the repository's go.mod (its tools): it says what it is
// doing, counts the packages vet compiles (the minutes a cold cache takes
// are no longer silent), and a vet or a staticcheck finding still fails it,
// printed, despite the pipe that counts.
func TestLintShowsProgressAndKeepsVetsVerdict(t *testing.T) {
	mod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(readFile(t, "go.mod"), "module x")
	for _, c := range []struct {
		name, src string
		ok        bool
	}{
		{"clean", "package x\n\nimport \"fmt\"\n\nfunc F() { fmt.Printf(\"%d\", 1) }\n", true},
		{"vet finding", "package x\n\nimport \"fmt\"\n\nfunc F() { fmt.Printf(\"%d\", \"s\") }\n", false},
		{"staticcheck finding", "package x\n\nfunc F() {}\n\nfunc unused() {}\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Makefile"), []byte(readFile(t, "Makefile")), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), []byte(readFile(t, "go.sum")), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x.go"), []byte(c.src), 0o644))
			cmd := exec.Command("make", "lint")
			cmd.Dir = dir
			cmd.Env = append(withoutEnv(os.Environ(), "MAKEFLAGS", "GOFLAGS"), "GOFLAGS=-mod=mod")
			out, err := cmd.CombinedOutput()
			assert.Contains(t, string(out), "== gofmt")
			assert.Contains(t, string(out), "== go vet")
			assert.Regexp(t, `(?m)^\s+\d+ packages compiled`, string(out))
			if c.ok {
				assert.Contains(t, string(out), "== staticcheck")
				assert.NoError(t, err, "%s", out)
				return
			}
			assert.Error(t, err, "%s", out)
			assert.Contains(t, string(out), "x.go:5:", "the finding is printed")
		})
	}
}

// TestCIRunPrintsItsTime runs .ci/run with stand-ins for the tools it runs:
// whether the tests pass or fail, it ends with the time taken.
func TestCIRunPrintsItsTime(t *testing.T) {
	for _, status := range []string{"0", "1"} {
		bin := t.TempDir()
		// Every tool it may call or install is a stand-in: the test installs nothing.
		for _, tool := range []string{"go", "npm", "chromium", "apt-get"} {
			require.NoError(t, os.WriteFile(filepath.Join(bin, tool), []byte("#!/bin/sh\necho "+tool+" \"$@\"\n"), 0o755))
		}
		require.NoError(t, os.WriteFile(filepath.Join(bin, "make"), []byte("#!/bin/sh\necho make \"$@\"\nexit "+status+"\n"), 0o755))
		cmd := exec.Command("bash", filepath.Join(repoRoot(t), ".ci", "run"))
		cmd.Env = append(withoutEnv(os.Environ(), "PATH"), "PATH="+bin+":/usr/bin:/bin")
		out, err := cmd.CombinedOutput()
		assert.Contains(t, string(out), "make test")
		assert.Regexp(t, regexp.MustCompile(`\.ci/run: \d+m \d+s\n$`), string(out), "status %s", status)
		assert.Equal(t, status == "0", err == nil, "%s", out)
	}
}
