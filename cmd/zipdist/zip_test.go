package main

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteZipKeepsModesAtTheRoot(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "web", "server")
	boot := filepath.Join(dir, "web", "scf_bootstrap")
	require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
	require.NoError(t, os.WriteFile(bin, []byte("binary"), 0o755))
	require.NoError(t, os.WriteFile(boot, []byte("#!/bin/sh\n"), 0o700))
	out := filepath.Join(dir, "out", "web.zip")

	require.NoError(t, writeZip(out, []string{boot, bin}))

	zr, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 2)
	got := map[string]os.FileMode{}
	for _, f := range zr.File {
		got[f.Name] = f.Mode().Perm()
		assert.Equal(t, epoch, f.Modified.UTC())
	}
	assert.Equal(t, map[string]os.FileMode{"scf_bootstrap": 0o700, "server": 0o755}, got)
	rc, err := zr.File[1].Open()
	require.NoError(t, err)
	body, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	assert.Equal(t, "binary", string(body))

	// The same inputs give the same bytes.
	first, err := os.ReadFile(out)
	require.NoError(t, err)
	require.NoError(t, writeZip(out, []string{boot, bin}))
	second, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, first, second)
}

func TestWriteZipRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "main")
	b := filepath.Join(dir, "b", "main")
	for _, f := range []string{a, b} {
		require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o755))
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o755))
	}
	out := filepath.Join(dir, "x.zip")
	assert.ErrorContains(t, writeZip(out, []string{a, b}), "collide")
	assert.Error(t, writeZip(out, []string{filepath.Join(dir, "missing")}))
	assert.ErrorContains(t, writeZip(out, []string{dir}), "not a regular file")
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no partial zip is left behind")
}
