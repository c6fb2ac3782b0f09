package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

// web is the plain HTTP server's handler, driven in-process: the request
// reaches it exactly as built, including headers that net/http's own
// parser would refuse on the wire, so the handler's refusals are tested on
// their own.
var web = hostiletest.Platform{Name: "web"}

func webRequestOf(r hostiletest.Request) *http.Request {
	body := r.RawBody()
	req := &http.Request{Method: r.Method, URL: &url.URL{Path: r.Path, RawQuery: url.Values(r.Query).Encode()},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Host: "signer.example.com",
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), RemoteAddr: "203.0.113.9:51234"}
	req.RequestURI = req.URL.RequestURI()
	for k, v := range r.Header {
		if strings.EqualFold(k, "host") {
			req.Host = v // net/http moves Host out of the header map
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = append(req.Header[http.CanonicalHeaderKey(k)], v)
	}
	return req
}

func webBuilder(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.Server {
	h, err := service.FromEnv(getenv, opts)
	require.NoError(t, err)
	handler := newServer(h).Handler
	return func(t testing.TB, r hostiletest.Request) hostiletest.Response {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, webRequestOf(r))
		res := rec.Result()
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		h := map[string]string{}
		for k, vs := range res.Header {
			h[k] = strings.Join(vs, ", ")
		}
		return hostiletest.Response{Status: res.StatusCode, Header: h, Body: b}
	}
}

func TestHostileWeb(t *testing.T) { hostiletest.Run(t, web, webBuilder) }

// webSocket is the same server over a real 127.0.0.1 connection, for the
// cases a client can put on the wire: net/http's own parsing and the
// server's limits sit in front of the handler there.
var webSocket = hostiletest.Platform{Name: "web-socket"}

func webSocketBuilder(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.Server {
	h, err := service.FromEnv(getenv, opts)
	require.NoError(t, err)
	srv := startServer(t, h)
	client := noRedirects(srv.Client())
	return func(t testing.TB, r hostiletest.Request) hostiletest.Response {
		req := webRequestOf(r)
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", srv.Listener.Addr().String(), ""
		if req.Host == "signer.example.com" {
			req.Host = ""
		}
		res, err := client.Do(req)
		if err != nil {
			t.Skipf("not representable on the wire (the client refuses it: %v)", err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		h := map[string]string{}
		for k, vs := range res.Header {
			h[k] = strings.Join(vs, ", ")
		}
		return hostiletest.Response{Status: res.StatusCode, Header: h, Body: b}
	}
}

func TestHostileWebSocket(t *testing.T) { hostiletest.Run(t, webSocket, webSocketBuilder) }
