// Command invoke runs one sample event through its platform's real binary,
// the way the platform would: an SCF event through the scf-go-lib `main`
// over net/rpc, a Lambda event through the norpc `bootstrap` against a local
// Runtime API, a web event through the HTTP server. It builds the binary
// for this machine (go build reuses its cache), runs it with the
// environment in events/env.json plus the caller's COS_*, SIGN_*, AUTH_*,
// CORS_* and TENCENTCLOUD_* variables, and prints the platform's response
// as pretty JSON on stdout; the function's log goes to stderr.
//
//	go run ./cmd/invoke events/scf/url-presign.json
//	go run ./cmd/invoke -platform lambda my-event.json
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	platform := flag.String("platform", "", "scf, lambda or web; inferred from the event's directory (events/<platform>/) when empty")
	envFile := flag.String("env", "", "the environment file (JSON object); events/env.json when empty")
	timeout := flag.Duration("timeout", 30*time.Second, "bound on start-up and the invocation")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: invoke [-platform scf|lambda|web] [-env file] events/<platform>/<name>.json")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	cfg := config{event: flag.Arg(0), platform: *platform, envFile: *envFile, timeout: *timeout}
	if err := run(context.Background(), cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

type config struct {
	event, platform, envFile string
	timeout                  time.Duration
	// binDir is where binaries are built; a per-user cache dir when empty.
	binDir string
	// callerEnv is the caller's environment; os.Environ() when nil.
	callerEnv []string
}

// run does the work; stdout gets the response, stderr everything else.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	inv, err := prepare(cfg, stderr)
	if err != nil {
		return err
	}
	return inv.run(ctx, stdout, stderr)
}
