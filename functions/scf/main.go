// Command scf is the signing service as a Tencent SCF event function (runtime
// Go1, handler "main"): API-gateway and Function URL triggers, and direct
// invocation. It is a door: scf-go-lib's API-gateway event becomes a
// service.Request and the answer its APIGatewayResponse; nothing about
// signing or policy lives here.
package main

import (
	"log/slog"
	"os"

	"github.com/tencentyun/scf-go-lib/cloudfunction"

	"github.com/cos-signer/cos-signer/functions/service"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newHandler(getenv func(string) string, opts service.Options) (*handler, error) {
	// Each invocation brings the role's current keys in its Environment,
	// which scf-go-lib sets into the process before calling the handler.
	opts.CredentialsPerInvocation = true
	svc, err := service.FromEnv(getenv, opts)
	if err != nil {
		return nil, err
	}
	return &handler{svc: svc, log: opts.Logger}, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newHandler(os.Getenv, service.Options{Logger: logger, Version: version})
	if err != nil {
		// The message names the variable at fault, never a secret value.
		logger.Error("configuration error", "error", err.Error())
		os.Exit(1)
	}
	cloudfunction.Start(h.handle)
}
