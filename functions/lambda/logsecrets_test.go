package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

func TestLogHoldsNoSecrets(t *testing.T) {
	for _, p := range []hostiletest.Platform{lambdaRESTv1, lambdaHTTPv2, lambdaURL, lambdaALB} {
		t.Run(p.Name, func(t *testing.T) { hostiletest.RunLogSecrets(t, p, lambdaBuilder(p)) })
	}
}
