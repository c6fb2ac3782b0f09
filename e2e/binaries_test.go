// Package e2e drives the real, production-built binaries the way their
// platforms do (internal/runtimeharness) and checks every sample event's
// answer with eventtest; its benchmarks measure cold start and warm
// invocation against hello-world floors built and run the same way.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// binary is one production binary (or floor), built once per test run with
// the flags of `make build`, for this machine's architecture.
type binary struct {
	name  string
	build runtimeharness.Build
	once  sync.Once
	path  string
	err   error
}

var (
	binDir     string
	binDirOnce sync.Once
	binDirErr  error
)

var (
	scfBinary    = &binary{name: "scf main", build: runtimeharness.Build{Package: "./functions/scf"}}
	lambdaBinary = &binary{name: "lambda bootstrap", build: runtimeharness.Build{Package: "./functions/lambda", Tags: []string{"lambda.norpc"}}}
	webBinary    = &binary{name: "web server", build: runtimeharness.Build{Package: "./functions/web"}}
	floorSCF     = &binary{name: "floor scf", build: runtimeharness.Build{Package: "./internal/runtimeharness/testdata/floorscf"}}
	floorLambda  = &binary{name: "floor lambda", build: runtimeharness.Build{Package: "./internal/runtimeharness/testdata/floorlambda", Tags: []string{"lambda.norpc"}}}
	floorWeb     = &binary{name: "floor web", build: runtimeharness.Build{Package: "./internal/runtimeharness/testdata/floorweb"}}
	// floorSCFHTTPS is a size floor only: floorscf plus one HTTPS request.
	floorSCFHTTPS = &binary{name: "floor scf+https", build: runtimeharness.Build{Package: "./e2e/testdata/floorscfhttps"}}
)

// get builds the binary on first use and fails tb if that fails.
func (b *binary) get(tb testing.TB) string {
	tb.Helper()
	binDirOnce.Do(func() { binDir, binDirErr = os.MkdirTemp("", "cos-signer-e2e-") })
	if binDirErr != nil {
		tb.Fatal(binDirErr)
	}
	b.once.Do(func() {
		start := time.Now()
		b.build.Output = filepath.Join(binDir, filepath.Base(b.build.Package), "bin")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		b.err = b.build.Run(ctx)
		b.path = b.build.Output
		if b.err == nil {
			// Not "e2e: …": benchstat would read a "word: value" line in
			// benchmark output as configuration.
			fmt.Fprintf(os.Stderr, "built %s in %v (e2e)\n", b.name, time.Since(start).Round(time.Millisecond))
		}
	})
	if b.err != nil {
		tb.Fatalf("build %s: %v", b.name, b.err)
	}
	return b.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// envList turns events/env.json into the child's environment.
func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
