package service_test

import (
	"testing"

	"github.com/cos-signer/cos-signer/functions/internal/hostile"
)

func TestLogHoldsNoSecretsCore(t *testing.T) { hostile.RunLogSecrets(t, core, buildCore) }
