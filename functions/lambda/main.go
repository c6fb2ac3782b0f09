// Command lambda is the signing service as an AWS Lambda function
// (provided.al2023, binary "bootstrap", built with -tags lambda.norpc): API
// Gateway REST and HTTP APIs, Function URLs, ALB target groups and direct
// invocation. It is a door: each trigger's aws-lambda-go events type becomes
// a service.Request and the answer its response type (a file per source);
// nothing about signing or policy lives here.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cos-signer/cos-signer/functions/service"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newHandler(getenv func(string) string, opts service.Options) (*handler, error) {
	opts.AuthorizerContext = true // restapi.go, httpapi.go and functionurl.go pass it
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
		// The message names the variable at fault, never a secret value;
		// exiting during init makes Lambda report an init error.
		logger.Error("configuration error", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h.handle)
}
