package main

import (
	"testing"

	"github.com/cos-signer/cos-signer/functions/internal/hostile"
)

func TestLogHoldsNoSecretsWeb(t *testing.T) { hostile.RunLogSecrets(t, web, webBuilder) }
