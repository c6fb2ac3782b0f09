// Command web is the signing service as a plain HTTP server: SCF web
// functions (started by scf_bootstrap on port 9000) and local development
// (`make run`, with -demo).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cos-signer/cos-signer/functions/service"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	demo := flag.Bool("demo", false, "local development (make run): without COS credentials, use fake demo credentials and a permissive local policy; listen on 127.0.0.1 unless LISTEN_HOST says otherwise")
	flag.Parse()
	os.Exit(run(*demo, os.Getenv))
}

func run(demo bool, getenv func(string) string) int {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	var filled []string
	if demo {
		getenv, filled = demoEnv(getenv)
	}
	opts := service.Options{Logger: logger, Version: version}
	cfg, err := service.LoadConfig(getenv)
	var svc *service.Service
	if err == nil {
		svc, err = service.New(cfg, opts)
	}
	if err != nil {
		// The message names the variable at fault, never a secret value.
		// The server keeps listening and answers it on /healthz and every
		// route (503): an SCF web function's deployer sees that first.
		logger.Error("configuration error", "error", err.Error())
		svc = service.Misconfigured(err, opts)
	}
	configErr := err
	port := getenv("PORT")
	if port == "" {
		port = "9000"
	}
	host := listenHost(demo, getenv)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if demo {
		go stopWithParent(ctx, stop)
	}
	err = serve(ctx, net.JoinHostPort(host, port), svc, os.Stderr, func(base string) {
		l := listening{base: base, all: host == "" || net.ParseIP(host).IsUnspecified()}
		if configErr != nil {
			misconfiguredBanner(os.Stderr, l, configErr)
			return
		}
		banner(os.Stderr, l, filled, cfg)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cos-signer:", err)
		return 1
	}
	return 0
}

// listenHost is LISTEN_HOST; unset, local development (-demo) listens on
// loopback only, and SCF web functions (scf_bootstrap) on every interface,
// as SCF requires.
func listenHost(demo bool, getenv func(string) string) string {
	if h := strings.TrimSpace(getenv("LISTEN_HOST")); h != "" {
		return h
	}
	if demo {
		return "127.0.0.1"
	}
	return ""
}

// stopWithParent stops a local server whose parent (make run) is gone
// without passing a signal on (kill -9): left running, it would hold the
// port and the next make run would fail with "address in use".
func stopWithParent(ctx context.Context, stop func()) {
	parent := os.Getppid()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != parent {
				stop()
				return
			}
		}
	}
}
