package e2e

import (
	"context"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/authtest"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// loadClients is how many requests are in flight at once under load.
const loadClients = 64

// loadBody is the /presign the load benchmark sends (a key the sample
// environment's SIGN_KEY_PREFIXES admit).
const loadBody = `{"key":"uploads/2024/cat.jpg","method":"GET","expired":600}`

// BenchmarkWebLoad drives the real web server binary with loadClients
// concurrent keep-alive clients over loopback, each sending a POST
// /presign with an HS256 bearer token, beside the hello-world net/http
// server (the floor) driven the same way. An op is one request to each;
// the requests go in rounds that alternate between the two, so both see
// the same machine. It reports each server's CPU per request (cpu-us, read
// from /proc: the client's own work is not in it), ours over the floor's
// (cpu/floor), and our throughput over the floor's (rps/floor): the
// clients share the machine's cores with the server, as a load generator
// on the same host does.
func BenchmarkWebLoad(b *testing.B) {
	env := eventtest.Env(b)
	maps.Copy(env, authtest.HS256Env(authtest.Secret))
	token := authtest.Token(b, authtest.Secret, "user-42", time.Hour)
	ctx := context.Background()
	var servers [2]*runtimeharness.Web
	for j, t := range []struct {
		bin *binary
		env map[string]string
	}{{webBinary, env}, {floorWeb, nil}} {
		w, err := runtimeharness.StartWeb(ctx, t.bin.get(b), runtimeharness.Options{Env: envList(t.env)})
		require.NoError(b, err)
		defer w.Close()
		servers[j] = w
	}
	send := func(w *runtimeharness.Web, c *http.Client) error {
		req, err := http.NewRequest("POST", w.URL+"/presign", strings.NewReader(loadBody))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			b.Errorf("%s: status %d", w.URL, resp.StatusCode)
		}
		return err
	}
	var clients [2]*http.Client
	for j := range clients {
		clients[j] = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients, DisableCompression: true}}
		defer clients[j].CloseIdleConnections()
		// Warm up: every connection open, both servers past their first
		// requests.
		require.NoError(b, load(10*loadClients, func() error { return send(servers[j], clients[j]) }))
	}
	var wall, cpu [2]time.Duration
	rounds := min(b.N, 4)
	b.ResetTimer()
	for i := range rounds {
		n := b.N/rounds + boolInt(i < b.N%rounds)
		for k := range 2 {
			j := (i + k) % 2
			cpu0, err := servers[j].CPUTime()
			require.NoError(b, err)
			t0 := time.Now()
			require.NoError(b, load(n, func() error { return send(servers[j], clients[j]) }))
			wall[j] += time.Since(t0)
			cpu1, err := servers[j].CPUTime()
			require.NoError(b, err)
			cpu[j] += cpu1 - cpu0
		}
	}
	b.StopTimer()
	perReq := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(b.N) }
	b.ReportMetric(perReq(cpu[0]), "cpu-us")
	b.ReportMetric(perReq(cpu[1]), "floor-cpu-us")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "cpu/floor")
	b.ReportMetric(float64(wall[1])/float64(wall[0]), "rps/floor")
}

// load runs n calls of send across loadClients goroutines and returns the
// first error.
func load(n int, send func() error) error {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range loadClients {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := send(); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
