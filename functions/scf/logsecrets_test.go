package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

func TestLogHoldsNoSecretsAPIGateway(t *testing.T) {
	hostiletest.RunLogSecrets(t, scfAPIGateway, scfBuilder(scfAPIGateway))
}

func TestLogHoldsNoSecretsFunctionURL(t *testing.T) {
	hostiletest.RunLogSecrets(t, scfFunctionURL, scfBuilder(scfFunctionURL))
}
