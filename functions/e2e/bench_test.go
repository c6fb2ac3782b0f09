package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/internal/eventcheck"
	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// The events the benchmarks send: a presign through the trigger each
// platform uses most (SCF Function URL, Lambda HTTP API v2). Floors get a
// hello-world event.
const (
	scfBenchEvent    = "scf/url-presign.json"
	lambdaBenchEvent = "lambda/v2-presign.json"
	floorEvent       = `{"name":"floor"}`
)

func benchEvent(b *testing.B, name string) []byte {
	b.Helper()
	ev, err := os.ReadFile(filepath.Join(eventcheck.Dir(b), name))
	require.NoError(b, err)
	return ev
}

// starter starts a binary through its harness and returns its Invoke and
// Close.
type starter func(ctx context.Context, bin string, opts runtimeharness.Options) (invoke func(context.Context, []byte) ([]byte, error), stop func(), err error)

func startSCF(ctx context.Context, bin string, opts runtimeharness.Options) (func(context.Context, []byte) ([]byte, error), func(), error) {
	s, err := runtimeharness.StartSCF(ctx, bin, opts)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, e []byte) ([]byte, error) { return s.Invoke(ctx, e) }, func() { s.Close() }, nil
}

func startLambda(ctx context.Context, bin string, opts runtimeharness.Options) (func(context.Context, []byte) ([]byte, error), func(), error) {
	l, err := runtimeharness.StartLambda(ctx, bin, opts)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, e []byte) ([]byte, error) { return l.Invoke(ctx, e) }, func() { l.Close() }, nil
}

// checkOK fails the benchmark unless the answer is a success: a benchmark
// of an error path would flatter the numbers.
func checkOK(b *testing.B, payload []byte) {
	b.Helper()
	var r struct {
		StatusCode *int `json:"statusCode"`
	}
	require.NoError(b, json.Unmarshal(payload, &r), "%s", payload)
	if r.StatusCode != nil {
		require.Equal(b, 200, *r.StatusCode, "%s", payload)
	}
}

// percentiles reports p50 and p99 of the iterations' durations.
func percentiles(b *testing.B, d []time.Duration, unit time.Duration, name string) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	p := func(q float64) float64 {
		i := int(q*float64(len(d))+0.999999) - 1
		i = max(0, min(i, len(d)-1))
		return float64(d[i]) / float64(unit)
	}
	b.ReportMetric(p(0.50), "p50-"+name)
	b.ReportMetric(p(0.99), "p99-"+name)
}

// coldStart measures exec of the binary to its first answer, through the
// harness (for SCF that includes dialling and Function.Ping, as the
// platform does). Teardown is not timed.
func coldStart(b *testing.B, bin string, start starter, event []byte, env []string) {
	ctx := context.Background()
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		invoke, stop, err := start(ctx, bin, runtimeharness.Options{Env: env})
		if err != nil {
			b.Fatal(err)
		}
		payload, err := invoke(ctx, event)
		elapsed := time.Since(t0)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			checkOK(b, payload)
		}
		durations = append(durations, elapsed)
		b.StartTimer()
	}
	b.StopTimer()
	percentiles(b, durations, time.Millisecond, "ms")
}

// warmInvoke measures one invocation of an already running binary.
func warmInvoke(b *testing.B, bin string, start starter, event []byte, env []string) {
	ctx := context.Background()
	invoke, stop, err := start(ctx, bin, runtimeharness.Options{Env: env})
	require.NoError(b, err)
	defer stop()
	payload, err := invoke(ctx, event) // the cold one is not measured
	require.NoError(b, err)
	checkOK(b, payload)
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := invoke(ctx, event); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(t0))
	}
	b.StopTimer()
	percentiles(b, durations, time.Microsecond, "us")
}

func BenchmarkColdStartSCF(b *testing.B) {
	coldStart(b, scfBinary.get(b), startSCF, benchEvent(b, scfBenchEvent), envList(eventcheck.Env(b)))
}

func BenchmarkColdStartFloorSCF(b *testing.B) {
	coldStart(b, floorSCF.get(b), startSCF, []byte(floorEvent), nil)
}

func BenchmarkColdStartLambda(b *testing.B) {
	coldStart(b, lambdaBinary.get(b), startLambda, benchEvent(b, lambdaBenchEvent), envList(eventcheck.Env(b)))
}

func BenchmarkColdStartFloorLambda(b *testing.B) {
	coldStart(b, floorLambda.get(b), startLambda, []byte(floorEvent), nil)
}

func BenchmarkWarmInvokeSCF(b *testing.B) {
	warmInvoke(b, scfBinary.get(b), startSCF, benchEvent(b, scfBenchEvent), envList(eventcheck.Env(b)))
}

func BenchmarkWarmInvokeFloorSCF(b *testing.B) {
	warmInvoke(b, floorSCF.get(b), startSCF, []byte(floorEvent), nil)
}

func BenchmarkWarmInvokeLambda(b *testing.B) {
	warmInvoke(b, lambdaBinary.get(b), startLambda, benchEvent(b, lambdaBenchEvent), envList(eventcheck.Env(b)))
}

func BenchmarkWarmInvokeFloorLambda(b *testing.B) {
	warmInvoke(b, floorLambda.get(b), startLambda, []byte(floorEvent), nil)
}
