package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/internal/hostile"
	"github.com/cos-signer/cos-signer/functions/service"
)

// core is the platform-neutral core itself: service.Serve with the
// Request an adapter would build (header names lower-cased, body as is).
var core = hostile.Platform{Name: "core"}

func buildCore(t testing.TB, getenv func(string) string, opts service.Options) hostile.Server {
	cfg, err := service.LoadConfig(getenv)
	require.NoError(t, err)
	svc, err := service.New(cfg, opts)
	require.NoError(t, err)
	return func(t testing.TB, r hostile.Request) hostile.Response {
		h := make(map[string]string, len(r.Header))
		for k, v := range r.Header {
			h[strings.ToLower(k)] = v
		}
		resp := svc.Serve(context.Background(), &service.Request{Method: r.Method, Path: r.Path, Query: r.Query,
			Header: h, Body: r.RawBody(), SourceIP: "203.0.113.9"})
		require.NotNil(t, resp)
		return hostile.Response{Status: resp.Status, Header: resp.Header, Body: resp.Body}
	}
}

func TestHostileCore(t *testing.T) { hostile.Run(t, core, buildCore) }
