// Package eventtest loads the sample events under events/ with their
// expectations and checks a platform's answer against them: status, error
// code, fields, headers, and that every returned signature is the one
// cos-go-sdk-v5 computes from the same inputs and the window the answer
// states (never this project's signer).
//
// The platform tests run each event through the real handler code in
// process; the shipping tests drive the built binaries and use the response
// helpers (SCFResponse, LambdaResponse, Case.Answer) to get at the same
// status, headers and body.
package eventtest

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Expectation is a sample event's sibling <name>.expect.json.
type Expectation struct {
	// Status is the HTTP status the answer must carry (200 for a direct
	// invocation that succeeds; the error's status for one that fails).
	Status int `json:"status"`
	// Code is the error code when Status >= 400.
	Code string `json:"code,omitempty"`
	// Fields are the top-level JSON fields the answer body must hold.
	Fields []string `json:"fields,omitempty"`
	// Verify says which signature the answer carries: auth, presign,
	// download, post-policy, batch or none.
	Verify string `json:"verify,omitempty"`
	// Headers are response headers that must be present with these values
	// (names compared case-insensitively).
	Headers map[string]string `json:"headers,omitempty"`
	// InvokeError is set on a direct invocation that must fail.
	InvokeError bool `json:"invokeError,omitempty"`
	// Sign is what the service was asked to sign: the inputs a signature is
	// recomputed from.
	Sign *Sign `json:"sign,omitempty"`
	// Batch holds one expectation per batch entry, in order.
	Batch []Expectation `json:"batch,omitempty"`
}

// Sign is one signing request as the event asks for it.
type Sign struct {
	Method string `json:"method,omitempty"`
	Bucket string `json:"bucket,omitempty"` // "" = COS_BUCKET
	Region string `json:"region,omitempty"` // "" = COS_REGION
	Key    string `json:"key,omitempty"`
	// Headers are checked as cos-go-sdk-v5 signs them: Content-Type and
	// the like, x-cos-*; one it does not sign cannot be verified here.
	Headers map[string]string `json:"headers,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	// SignHost false leaves the host out of the signature (nil = signed).
	SignHost *bool `json:"signHost,omitempty"`
	// Expires is the window's length after now, in seconds; the answer's
	// window must be [now-60, now+Expires]. 0 skips the check.
	Expires int64 `json:"expires,omitempty"`
	// KeyPrefix is the post-policy's key prefix, when it has no exact key.
	KeyPrefix string `json:"keyPrefix,omitempty"`
}

// Case is one sample event and what its answer must be.
type Case struct {
	// Name is "<platform>/<file name without .json>".
	Name     string
	Platform string
	// File is the event file's path.
	File   string
	Event  []byte
	Expect Expectation
}

// Direct reports whether the event is a direct invocation (a plain JSON
// request body) rather than an HTTP trigger's event.
func (c Case) Direct() bool {
	if c.Platform == "web" {
		return false
	}
	return IsDirect(c.Event)
}

// IsDirect reports whether an SCF or Lambda event is a direct invocation:
// none of the HTTP triggers' marks (httpMethod, requestContext, version,
// rawPath, routeKey).
func IsDirect(event []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(event, &probe) != nil {
		return true
	}
	for _, k := range []string{"httpMethod", "requestContext", "version", "rawPath", "routeKey"} {
		if _, ok := probe[k]; ok {
			return false
		}
	}
	return true
}

// Root is the repository root (the directory holding go.mod), found by
// walking up from the working directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("eventtest: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("eventtest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dir is the events directory, or one platform's directory under it.
func Dir(t testing.TB, platform ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Root(t), "events"}, platform...)...)
}

// Load reads every event in dir (a path with a separator, or a bare platform
// name such as "scf" for events/scf) with its expectation, sorted by name. An event without an
// expectation, or an expectation without an event, fails the test.
func Load(t testing.TB, dir string) []Case {
	t.Helper()
	if filepath.Base(dir) == dir { // a bare platform name
		dir = Dir(t, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("eventtest: %v", err)
	}
	platform := filepath.Base(dir)
	var cases []Case
	expects := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		if strings.HasSuffix(name, ".expect.json") {
			expects[strings.TrimSuffix(name, ".expect.json")] = true
			continue
		}
		base := strings.TrimSuffix(name, ".json")
		event, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("eventtest: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, base+".expect.json"))
		if err != nil {
			t.Fatalf("eventtest: event %s has no expectation: %v", name, err)
		}
		var exp Expectation
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&exp); err != nil {
			t.Fatalf("eventtest: %s.expect.json: %v", base, err)
		}
		if exp.Status == 0 {
			t.Fatalf("eventtest: %s.expect.json has no status", base)
		}
		cases = append(cases, Case{Name: platform + "/" + base, Platform: platform,
			File: filepath.Join(dir, name), Event: event, Expect: exp})
	}
	for base := range expects {
		if _, err := os.Stat(filepath.Join(dir, base+".json")); err != nil {
			t.Fatalf("eventtest: %s.expect.json has no event", base)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("eventtest: no events in %s", dir)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases
}

var (
	envOnce sync.Once
	envMap  map[string]string
	envErr  error
)

// Env is the environment every sample event runs with (events/env.json).
func Env(t testing.TB) map[string]string {
	t.Helper()
	root := Root(t)
	envOnce.Do(func() {
		var raw []byte
		raw, envErr = os.ReadFile(filepath.Join(root, "events", "env.json"))
		if envErr == nil {
			envErr = json.Unmarshal(raw, &envMap)
		}
	})
	if envErr != nil {
		t.Fatalf("eventtest: events/env.json: %v", envErr)
	}
	return maps.Clone(envMap)
}

// GatewayEnv is the environment of the events under events/gateway/: those
// of env.json behind a gateway authorizer (AUTH_MODE=gateway), each caller
// limited to users/{sub}/.
func GatewayEnv(t testing.TB) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(Root(t), "events", "gateway", "env.json"))
	var env map[string]string
	if err == nil {
		err = json.Unmarshal(raw, &env)
	}
	if err != nil {
		t.Fatalf("eventtest: events/gateway/env.json: %v", err)
	}
	return env
}

// Getenv turns an environment map into the lookup service.LoadConfig takes.
func Getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}
