package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/functions/internal/hostile"
)

func TestLogHoldsNoSecrets(t *testing.T) {
	for _, p := range []hostile.Platform{lambdaRESTv1, lambdaHTTPv2, lambdaURL, lambdaALB} {
		t.Run(p.Name, func(t *testing.T) { hostile.RunLogSecrets(t, p, lambdaBuilder(p)) })
	}
}
