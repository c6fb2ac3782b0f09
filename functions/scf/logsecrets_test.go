package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/functions/internal/hostile"
)

func TestLogHoldsNoSecretsAPIGateway(t *testing.T) {
	hostile.RunLogSecrets(t, scfAPIGateway, scfBuilder(scfAPIGateway))
}

func TestLogHoldsNoSecretsFunctionURL(t *testing.T) {
	hostile.RunLogSecrets(t, scfFunctionURL, scfBuilder(scfFunctionURL))
}
