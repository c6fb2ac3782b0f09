package service_test

import (
	"testing"

	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

func TestLogHoldsNoSecretsCore(t *testing.T) { hostiletest.RunLogSecrets(t, core, buildCore) }
