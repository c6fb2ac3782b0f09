package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// platforms maps a platform to its main package, binary name and build tags
// (the same as `make build`).
var platforms = map[string]struct {
	pkg, binary string
	tags        []string
}{
	"scf":    {"./functions/scf", "main", nil},
	"lambda": {"./functions/lambda", "bootstrap", []string{"lambda.norpc"}},
	"web":    {"./functions/web", "server", nil},
}

// errInvocationFailed: the function answered on its error path (a direct
// invocation with bad input, a panic); the command then exits non-zero.
var errInvocationFailed = errors.New("the invocation failed")

// callerPrefixes are the caller's variables passed on top of env.json.
var callerPrefixes = []string{"COS_", "SIGN_", "AUTH_", "CORS_", "TENCENTCLOUD_"}

type invocation struct {
	cfg      config
	root     string
	platform string
	event    []byte
	env      []string
}

func prepare(cfg config, stderr io.Writer) (*invocation, error) {
	root, err := runtimeharness.ModuleRoot()
	if err != nil {
		return nil, err
	}
	event, err := os.ReadFile(cfg.event)
	if err != nil {
		return nil, err
	}
	if !json.Valid(event) {
		return nil, fmt.Errorf("%s is not JSON", cfg.event)
	}
	platform := cfg.platform
	if platform == "" {
		if platform, err = platformOf(cfg.event); err != nil {
			return nil, err
		}
	}
	if _, ok := platforms[platform]; !ok {
		return nil, fmt.Errorf("platform %q: want scf, lambda or web", platform)
	}
	envFile := cfg.envFile
	if envFile == "" {
		envFile = envFileOf(root, cfg.event)
	}
	callerEnv := cfg.callerEnv
	if callerEnv == nil {
		callerEnv = os.Environ()
	}
	env, overridden, err := environment(envFile, callerEnv)
	if err != nil {
		return nil, err
	}
	if len(overridden) > 0 {
		// Names only: values may be secrets.
		fmt.Fprintf(stderr, "invoke: from your environment: %s\n", strings.Join(overridden, ", "))
	}
	return &invocation{cfg: cfg, root: root, platform: platform, event: event, env: env}, nil
}

// platformOf reads the platform from the event's directory,
// events/<platform>/<name>.json.
func platformOf(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir := filepath.Base(filepath.Dir(abs))
	if _, ok := platforms[dir]; ok {
		return dir, nil
	}
	return "", fmt.Errorf("cannot tell the platform of %s from its directory: pass PLATFORM=scf|lambda|web (-platform)", path)
}

// envFileOf is the environment an event was written for: the env.json
// beside its platform's directory (events/gateway/env.json for
// events/gateway/lambda/*.json), else events/env.json.
func envFileOf(root, event string) string {
	if abs, err := filepath.Abs(event); err == nil {
		f := filepath.Join(filepath.Dir(filepath.Dir(abs)), "env.json")
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	return filepath.Join(root, "events", "env.json")
}

// environment is the env file's variables with the caller's configuration
// variables on top; overridden names the caller's ones.
func environment(envFile string, caller []string) (env, overridden []string, err error) {
	vars := map[string]string{}
	b, err := os.ReadFile(envFile)
	if err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(b, &vars); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", envFile, err)
	}
	for _, kv := range caller {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		for _, p := range callerPrefixes {
			if strings.HasPrefix(name, p) {
				vars[name] = value
				overridden = append(overridden, name)
				break
			}
		}
	}
	sort.Strings(overridden)
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env, overridden, nil
}

func (inv *invocation) binary(ctx context.Context, stderr io.Writer) (string, error) {
	dir := inv.cfg.binDir
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir = filepath.Join(cache, "cos-signer", "invoke")
	}
	p := platforms[inv.platform]
	out := filepath.Join(dir, inv.platform, p.binary)
	fmt.Fprintf(stderr, "invoke: building %s (%s)\n", p.pkg, out)
	b := runtimeharness.Build{Package: p.pkg, Output: out, Tags: p.tags, Dir: inv.root}
	return out, b.Run(ctx)
}

func (inv *invocation) run(ctx context.Context, stdout, stderr io.Writer) error {
	bin, err := inv.binary(ctx, stderr)
	if err != nil {
		return err
	}
	opts := runtimeharness.Options{Env: inv.env, Timeout: inv.cfg.timeout}
	var (
		response []byte
		logs     func() string
		invErr   error
	)
	switch inv.platform {
	case "scf":
		s, err := runtimeharness.StartSCF(ctx, bin, opts)
		if err != nil {
			return err
		}
		response, invErr = s.Invoke(ctx, inv.event)
		s.Close()
		logs = s.Log
	case "lambda":
		l, err := runtimeharness.StartLambda(ctx, bin, opts)
		if err != nil {
			return err
		}
		response, invErr = l.Invoke(ctx, inv.event)
		l.Close()
		logs = l.Log
	case "web":
		w, err := runtimeharness.StartWeb(ctx, bin, opts)
		if err != nil {
			return err
		}
		response, invErr = webRoundTrip(w, inv.event)
		w.Close()
		logs = w.Log
	}
	// Close has returned, so the log is complete; it comes last.
	defer func() {
		if l := logs(); l != "" {
			fmt.Fprintf(stderr, "----- function log (%s) -----\n%s", inv.platform, l)
			if !strings.HasSuffix(l, "\n") {
				fmt.Fprintln(stderr)
			}
		}
	}()
	if fe, ok := runtimeharness.AsFunctionError(invErr); ok {
		fmt.Fprintf(stderr, "----- invocation failed (%s error path) -----\n", inv.platform)
		out, _ := json.Marshal(fe)
		if err := printJSON(stdout, out); err != nil {
			return err
		}
		return fmt.Errorf("%w: %s", errInvocationFailed, fe.Message)
	}
	if invErr != nil {
		return invErr
	}
	fmt.Fprintf(stderr, "----- response (%s) -----\n", inv.platform)
	if err := printJSON(stdout, response); err != nil {
		return err
	}
	if body := jsonBody(response); body != nil {
		fmt.Fprintln(stderr, "----- body, decoded -----")
		return printJSON(stderr, body)
	}
	return nil
}

// printJSON writes v indented, or as it is when it is not JSON.
func printJSON(w io.Writer, v []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, v, "", "  "); err != nil {
		buf.Reset()
		buf.Write(v)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// jsonBody is an HTTP-style response's body when it is a JSON string that
// holds JSON (not base64), for reading.
func jsonBody(response []byte) []byte {
	var r struct {
		Body            *string `json:"body"`
		IsBase64Encoded bool    `json:"isBase64Encoded"`
	}
	if json.Unmarshal(response, &r) != nil || r.Body == nil || r.IsBase64Encoded || !json.Valid([]byte(*r.Body)) {
		return nil
	}
	return []byte(*r.Body)
}

// webRoundTrip sends a web event to the server and returns
// {status, headers, body} (body as JSON when it is JSON).
func webRoundTrip(w *runtimeharness.Web, event []byte) ([]byte, error) {
	ev, err := eventtest.ParseWebRequest(event)
	if err != nil {
		return nil, fmt.Errorf("web event: %v", err)
	}
	req, err := ev.NewHTTPRequest(w.URL)
	if err != nil {
		return nil, err
	}
	resp, err := w.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	a := eventtest.HTTPAnswer(resp.StatusCode, resp.Header, body)
	out := map[string]any{"status": a.Status, "headers": a.Headers, "body": string(a.Body)}
	if json.Valid(a.Body) && len(a.Body) > 0 {
		out["body"] = json.RawMessage(a.Body)
	}
	return json.Marshal(out)
}
