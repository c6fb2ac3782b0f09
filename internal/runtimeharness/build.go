package runtimeharness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Build describes one binary built the way `make build` builds it: static
// (CGO_ENABLED=0), linux, -trimpath, stripped (-ldflags=-s -w).
type Build struct {
	// Package is the import path or ./relative directory to build.
	Package string
	// Output is the binary's path.
	Output string
	// Tags are build tags, e.g. lambda.norpc.
	Tags []string
	// Dir is where go build runs; the module root when empty.
	Dir string
}

// Run compiles the binary with the go command on PATH (or $GO).
func (b Build) Run(ctx context.Context) error {
	dir := b.Dir
	if dir == "" {
		root, err := ModuleRoot()
		if err != nil {
			return err
		}
		dir = root
	}
	args := []string{"build", "-trimpath", "-ldflags=-s -w"}
	if len(b.Tags) > 0 {
		args = append(args, "-tags", strings.Join(b.Tags, ","))
	}
	args = append(args, "-o", b.Output, b.Package)
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH) // the host's, so the binary runs here
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// ModuleRoot finds the directory holding go.mod, from the working directory
// up.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("runtimeharness: no go.mod above the working directory")
		}
		dir = parent
	}
}
