package main

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// A failed direct invocation is logged under Lambda's request id, the one
// CloudWatch shows for the invocation.
func TestDirectInvocationLogsLambdaRequestID(t *testing.T) {
	var logs bytes.Buffer
	h, err := newHandler(eventtest.Getenv(eventtest.Env(t)), service.Options{
		Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Version: "test"})
	require.NoError(t, err)
	_, err = lambda.NewHandler(h.handle).Invoke(lambdaContext("7d1c-direct-req"), []byte(`{"action":"presign","key":"../secret"}`))
	require.Error(t, err)
	assert.Contains(t, logs.String(), `"requestId":"7d1c-direct-req"`)
}
