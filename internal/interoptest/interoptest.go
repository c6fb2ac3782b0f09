// Package interoptest runs the official COS client SDKs (node scripts in
// the repository's interop/ folder) against the real signing service over
// real HTTP and a fake COS that checks every signature (fakecos). A test
// starts both with Start, giving the service's environment, then runs a
// script with Node; the script prints one JSON line per flow on stdout.
package interoptest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/fakecos"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// The bucket every flow uses, and the credentials the service signs with.
const (
	Bucket       = "examplebucket-1250000000"
	Region       = "ap-guangzhou"
	Host         = Bucket + ".cos." + Region + ".myqcloud.com"
	SecretID     = "AKIDinteroptest0000000000000000000"
	SecretKey    = "interoptest-secret-key-0000000000"
	SessionToken = "interoptest-session-token-0123456789"
)

// Env is a running service and fake COS.
type Env struct {
	COS    *fakecos.Server
	Signer *httptest.Server
	// Vars are the service's environment (what Start was given, plus the
	// credentials and bucket).
	Vars map[string]string
}

// Start runs a fake COS and the service configured by vars (merged over
// the credentials, bucket and region above; COS_SESSION_TOKEN set to
// SessionToken makes the fake COS require it). Both stop with the test.
func Start(t testing.TB, vars map[string]string) *Env {
	t.Helper()
	env := map[string]string{"COS_SECRET_ID": SecretID, "COS_SECRET_KEY": SecretKey, "COS_BUCKET": Bucket, "COS_REGION": Region}
	maps.Copy(env, vars)
	fake := fakecos.New(fakecos.Credentials{SecretID: env["COS_SECRET_ID"], SecretKey: env["COS_SECRET_KEY"], Token: env["COS_SESSION_TOKEN"]})
	t.Cleanup(fake.Close)
	svc, err := service.FromEnv(func(name string) string { return env[name] }, service.Options{
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "interop",
	})
	if err != nil {
		t.Fatalf("service.FromEnv: %v", err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return &Env{COS: fake, Signer: srv, Vars: env}
}

// Dir is the interop/ folder: the node package and its scripts.
func Dir(t testing.TB) string {
	t.Helper()
	// From the module root, not runtime.Caller: make test builds with
	// -trimpath, which leaves no source path to start from.
	root, err := runtimeharness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "interop")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "cos-nodejs-sdk-v5")); err != nil {
		t.Fatalf("%s/node_modules is not installed: `make test` installs it (npm ci), or run `cd interop && npm ci`", dir)
	}
	return dir
}

// Result is one flow's outcome as a script reports it.
type Result struct {
	Flow   string         `json:"flow"`
	OK     bool           `json:"ok"`
	Error  string         `json:"error,omitempty"`  // the SDK's error, when it failed
	Code   string         `json:"code,omitempty"`   // the service's or COS's error code
	Logged []string       `json:"logged,omitempty"` // what the getAuthorization recipe logged
	Data   map[string]any `json:"data,omitempty"`
}

// Node runs interop/<script> with the service and fake COS in its
// environment (SIGNER_URL, COS_PROXY, COS_BUCKET, COS_REGION, COS_HOST,
// and RECIPES, the module of the pages' recipes: see RecipeModule) plus
// vars, and returns the flows it reported, by name. Its stderr (what it is
// doing) goes to the test log.
func (e *Env) Node(t testing.TB, script string, vars map[string]string) map[string]Result {
	t.Helper()
	dir := Dir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, script))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SIGNER_URL="+e.Signer.URL, "COS_PROXY="+e.COS.URL,
		"COS_BUCKET="+Bucket, "COS_REGION="+Region, "COS_HOST="+Host, "RECIPES="+writeRecipeModule(t, t.TempDir()))
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
		if line != "" {
			t.Logf("%s: %s", script, line)
		}
	}
	if err != nil {
		t.Fatalf("node %s: %v", script, err)
	}
	results := map[string]Result{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("node %s printed %q, not a flow result: %v", script, sc.Text(), err)
		}
		results[r.Flow] = r
	}
	return results
}
