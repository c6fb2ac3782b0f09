// Command web is the signing service as a plain HTTP server: SCF web
// functions (started by scf_bootstrap on port 9000) and local development
// (`make run`, with -demo).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/cos-signer/cos-signer/functions/service"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	demo := flag.Bool("demo", false, "without COS credentials, use fake demo credentials and a permissive local policy")
	flag.Parse()
	os.Exit(run(*demo, os.Getenv))
}

func run(demo bool, getenv func(string) string) int {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	var filled []string
	if demo {
		getenv, filled = demoEnv(getenv)
	}
	h, err := newHandler(getenv, service.Options{Logger: logger, Version: version})
	if err != nil {
		// The message names the variable at fault, never a secret value.
		logger.Error("configuration error", "error", err.Error())
		return 1
	}
	port := getenv("PORT")
	if port == "" {
		port = "9000"
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// All interfaces: SCF web functions refuse a loopback-only listener.
	err = serve(ctx, ":"+port, h, os.Stderr, func(base string) {
		banner(os.Stderr, base, filled, hasCredentials(getenv) && len(filled) == 0)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cos-signer:", err)
		return 1
	}
	return 0
}
