package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

func TestLogHoldsNoSecretsWeb(t *testing.T) { hostiletest.RunLogSecrets(t, web, webBuilder) }
