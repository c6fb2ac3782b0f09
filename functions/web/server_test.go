package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/localdev"
)

var fixedNow = time.Unix(1795374000, 0)

func testOptions() service.Options {
	return service.Options{Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "test"}
}

// noRedirects keeps a 302 as the answer instead of following it to COS.
func noRedirects(c *http.Client) *http.Client {
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// startServer serves h on a local listener through the server main runs
// (newServer: its timeouts and header limit), not httptest's bare one.
func startServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config = newServer(h)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestSampleEvents(t *testing.T) {
	h, err := service.FromEnv(eventtest.Getenv(eventtest.Env(t)), testOptions())
	require.NoError(t, err)
	srv := startServer(t, h)
	client := noRedirects(srv.Client())
	routes := map[string]bool{}
	for _, c := range eventtest.Load(t, "web") {
		t.Run(c.Name, func(t *testing.T) {
			w, err := eventtest.ParseWebRequest(c.Event)
			require.NoError(t, err)
			req, err := w.NewHTTPRequest(srv.URL)
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			eventtest.CheckAnswer(t, c.Expect, eventtest.HTTPAnswer(resp.StatusCode, resp.Header, b))
			routes[w.Method+" "+w.Path] = true
		})
	}
	for _, r := range []string{"POST /auth", "POST /presign", "GET /presign", "GET /download", "POST /download", "POST /post-policy", "POST /batch", "GET /healthz", "OPTIONS /presign"} {
		assert.True(t, routes[r], "no sample web request exercises %s", r)
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDemoEnv(t *testing.T) {
	get, filled := demoEnv(env(map[string]string{"COS_BUCKET": "mine-1250000000", "PORT": "8080"}))
	assert.Equal(t, demoSecretID, get("COS_SECRET_ID"))
	assert.Equal(t, demoSecretKey, get("COS_SECRET_KEY"))
	assert.Equal(t, "mine-1250000000", get("COS_BUCKET"), "a variable already set keeps its value")
	assert.Equal(t, "ap-guangzhou", get("COS_REGION"))
	assert.Equal(t, "true", get("SIGN_ALLOW_ANONYMOUS_WRITES"))
	assert.Equal(t, "*", get("CORS_ALLOWED_ORIGINS"))
	assert.Equal(t, "8080", get("PORT"))
	assert.NotContains(t, filled, "COS_BUCKET")
	assert.Contains(t, filled, "COS_SECRET_ID")

	for _, real := range []map[string]string{
		{"COS_SECRET_ID": "AKIDreal", "COS_SECRET_KEY": "k"},
		{"TENCENTCLOUD_SECRETID": "AKIDrole", "TENCENTCLOUD_SECRETKEY": "k", "TENCENTCLOUD_SESSIONTOKEN": "t"},
	} {
		get, filled := demoEnv(env(real))
		assert.Empty(t, filled, "real credentials: nothing is filled")
		assert.Empty(t, get("SIGN_ALLOW_ANONYMOUS_WRITES"), "real credentials keep the secure defaults")
	}
}

// TestDemoExamplesWork runs the start-up message's curl examples against a
// demo server: anonymous, and with AUTH_MODE=jwt, where they send the token
// make token mints (the same localdev.Token call, with no variable set).
func TestDemoExamplesWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		says []string
	}{
		{"anonymous", map[string]string{}, []string{"AUTH_MODE=jwt make run, then TOKEN=$(make -s token SUB=alice)"}},
		{"jwt", map[string]string{"AUTH_MODE": "jwt"}, []string{"TOKEN=$(make -s token SUB=alice)", `-H "Authorization: Bearer $TOKEN"`, `"key":"users/alice/hello.txt"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			get, filled := demoEnv(env(tc.vars))
			h, err := service.FromEnv(get, testOptions())
			require.NoError(t, err)
			srv := startServer(t, h)

			var out bytes.Buffer
			cfg, err := service.LoadConfig(get)
			require.NoError(t, err)
			banner(&out, listening{base: srv.URL}, filled, cfg)
			assert.Contains(t, out.String(), "DEMO MODE")
			assert.Contains(t, out.String(), "cos-signer listening on "+srv.URL)
			assert.NotContains(t, out.String(), demoSecretKey, "the banner never prints a secret key")
			assert.NotContains(t, out.String(), localdev.Secret, "the banner never prints a secret")
			for _, want := range tc.says {
				assert.Contains(t, out.String(), want)
			}
			token, err := localdev.Token(localdev.Secret, localdev.Issuer, localdev.Audience, "alice", time.Hour, fixedNow)
			require.NoError(t, err)
			for _, e := range examplesFor(cfg) {
				assert.Contains(t, out.String(), e.curl(srv.URL))
				req, err := http.NewRequest(e.method, srv.URL+e.path, strings.NewReader(e.body))
				require.NoError(t, err)
				if e.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if e.token {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := noRedirects(srv.Client()).Do(req)
				require.NoError(t, err)
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, 200, resp.StatusCode, "%s: %s", e.what, b)
				var obj map[string]any
				require.NoError(t, json.Unmarshal(b, &obj), e.what)
				if e.path != "/healthz" {
					assert.Contains(t, obj["url"], "q-ak="+demoSecretID, e.what)
				}
			}
		})
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("done"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	baseCh := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, "127.0.0.1:0", h, io.Discard, func(b string) { baseCh <- b }) }()
	base := <-baseCh

	respc := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			respc <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		respc <- string(b)
	}()
	<-started
	cancel() // SIGTERM
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-errc:
		t.Fatalf("serve returned before the request in flight finished: %v", err)
	default:
	}
	close(release)
	assert.Equal(t, "done", <-respc, "the request in flight is answered")
	require.NoError(t, <-errc)
}

func TestServerTimeouts(t *testing.T) {
	s := newServer(http.NotFoundHandler())
	assert.Equal(t, readHeaderTimeout, s.ReadHeaderTimeout)
	assert.NotZero(t, s.ReadTimeout)
	assert.NotZero(t, s.WriteTimeout)
	assert.NotZero(t, s.IdleTimeout)
	assert.NotZero(t, s.MaxHeaderBytes)
}

func TestConfigErrorNamesTheVariable(t *testing.T) {
	_, err := service.FromEnv(env(map[string]string{"SIGN_MAX_EXPIRED": "soon"}), testOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SIGN_MAX_EXPIRED")
}

// TestWithoutCredentials: outside demo mode, no credentials means signing
// answers 503 naming the variables to set, and so does /healthz.
func TestWithoutCredentials(t *testing.T) {
	h, err := service.FromEnv(env(map[string]string{"COS_BUCKET": "examplebucket-1250000000", "COS_REGION": "ap-guangzhou"}), testOptions())
	require.NoError(t, err)
	srv := startServer(t, h)
	resp, err := srv.Client().Post(srv.URL+"/presign", "application/json", strings.NewReader(`{"method":"GET","key":"a.txt"}`))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(b), "COS_SECRET_ID")
	resp, err = srv.Client().Get(srv.URL + "/healthz")
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(b), "COS_SECRET_ID")
}

// A plain HTTP server has no gateway authorizer in front that could name
// the caller: AUTH_MODE=gateway is a configuration error, answered on
// /healthz, rather than a 401 to every signing request.
func TestGatewayModeIsAConfigurationError(t *testing.T) {
	_, err := service.FromEnv(env(map[string]string{"COS_BUCKET": "examplebucket-1250000000", "COS_REGION": "ap-guangzhou",
		"AUTH_MODE": "gateway", "SIGN_KEY_PREFIXES": "users/{sub}/"}), testOptions())
	require.ErrorContains(t, err, "use AUTH_MODE=jwt")
	srv := startServer(t, service.Misconfigured(err, testOptions()))
	resp, err := srv.Client().Get(srv.URL + "/healthz")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(b), "AUTH_MODE=gateway")
}
