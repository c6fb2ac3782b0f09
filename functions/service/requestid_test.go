package service

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A direct invocation carries no request id of its own: the platform's,
// passed with WithRequestID, must reach the error and the log line.
func TestInvokeUsesThePlatformRequestID(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.svc.Invoke(WithRequestID(context.Background(), "c0ffee-req-1"), []byte(`{"action":"presign","key":"../x"}`))
	var ie *InvokeError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "c0ffee-req-1", ie.RequestID)
	assert.Contains(t, f.log.String(), `"requestId":"c0ffee-req-1"`)
}
