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

// curl -d labels a JSON body as a form: it must still be read as JSON, and a
// real form must still be read as a form.
func TestJSONBodyLabelledAsForm(t *testing.T) {
	f := newFixture(t, nil)
	form := map[string]string{"content-type": "application/x-www-form-urlencoded"}
	resp := f.svc.Serve(context.Background(), &Request{Method: "POST", Path: "/presign", Header: form, Body: []byte(` {"key":"uploads/a.txt","expired":99999}`)})
	assert.Equal(t, 400, resp.Status)
	assert.Contains(t, string(resp.Body), "InvalidExpired")
	resp = f.svc.Serve(context.Background(), &Request{Method: "POST", Path: "/presign", Header: form, Body: []byte(`key=uploads%2Fa.txt&expired=99999`)})
	assert.Equal(t, 400, resp.Status)
	assert.Contains(t, string(resp.Body), "InvalidExpired")
}
