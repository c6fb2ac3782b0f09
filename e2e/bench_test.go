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

	"github.com/cos-signer/cos-signer/internal/eventtest"
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
	ev, err := os.ReadFile(filepath.Join(eventtest.Dir(b), name))
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
	return s.Invoke, func() { s.Close() }, nil
}

func startLambda(ctx context.Context, bin string, opts runtimeharness.Options) (func(context.Context, []byte) ([]byte, error), func(), error) {
	l, err := runtimeharness.StartLambda(ctx, bin, opts)
	if err != nil {
		return nil, nil, err
	}
	return l.Invoke, func() { l.Close() }, nil
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

// percentile is the q-quantile of sorted durations, in unit.
func percentile(d []time.Duration, q float64, unit time.Duration) float64 {
	i := int(q*float64(len(d))+0.999999) - 1
	i = max(0, min(i, len(d)-1))
	return float64(d[i]) / float64(unit)
}

// reportPair reports p50 and p99 of ours and of the floor, and ours over
// the floor for each.
func reportPair(b *testing.B, ours, floor []time.Duration, unit time.Duration, name string) {
	if len(ours) == 0 || len(floor) == 0 {
		return
	}
	slices.Sort(ours)
	slices.Sort(floor)
	for _, q := range []struct {
		q    float64
		name string
	}{{0.50, "p50"}, {0.99, "p99"}} {
		o, f := percentile(ours, q.q, unit), percentile(floor, q.q, unit)
		b.ReportMetric(o, q.name+"-"+name)
		b.ReportMetric(f, "floor-"+q.name+"-"+name)
		b.ReportMetric(o/f, q.name+"/floor")
	}
}

// A target is a binary, how the platform starts it, and what it is sent.
type target struct {
	bin   string
	start starter
	event []byte
	env   []string
}

func scfTargets(b *testing.B) [2]target {
	return [2]target{{scfBinary.get(b), startSCF, benchEvent(b, scfBenchEvent), envList(eventtest.Env(b))},
		{floorSCF.get(b), startSCF, []byte(floorEvent), nil}}
}

func lambdaTargets(b *testing.B) [2]target {
	return [2]target{{lambdaBinary.get(b), startLambda, benchEvent(b, lambdaBenchEvent), envList(eventtest.Env(b))},
		{floorLambda.get(b), startLambda, []byte(floorEvent), nil}}
}

// perPlatform runs fn as a sub-benchmark for SCF and for Lambda, with
// their two targets: ours, then the floor.
func perPlatform(b *testing.B, fn func(b *testing.B, ts [2]target)) {
	for _, p := range []struct {
		name    string
		targets func(*testing.B) [2]target
	}{{"scf", scfTargets}, {"lambda", lambdaTargets}} {
		b.Run(p.name, func(b *testing.B) { fn(b, p.targets(b)) })
	}
}

// BenchmarkColdStart measures exec of the binary to its first answer,
// through the harness (for SCF that includes dialling and Function.Ping, as
// the platform does), for ours and its hello-world floor in turn within
// each iteration (which goes first alternates), so that both see the same
// machine: this VM's speed drifts. Teardown is not timed.
func BenchmarkColdStart(b *testing.B) {
	perPlatform(b, func(b *testing.B, ts [2]target) {
		ctx := context.Background()
		var d [2][]time.Duration
		for i := 0; i < b.N; i++ {
			for k := range 2 {
				j := (i + k) % 2
				t := ts[j]
				t0 := time.Now()
				invoke, stop, err := t.start(ctx, t.bin, runtimeharness.Options{Env: t.env})
				if err != nil {
					b.Fatal(err)
				}
				payload, err := invoke(ctx, t.event)
				elapsed := time.Since(t0)
				stop()
				if err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					checkOK(b, payload)
				}
				d[j] = append(d[j], elapsed)
			}
		}
		reportPair(b, d[0], d[1], time.Millisecond, "ms")
	})
}

// BenchmarkWarmInvoke measures one invocation of an already running
// binary: ours and its floor both run, and each iteration invokes both
// (which goes first alternates).
func BenchmarkWarmInvoke(b *testing.B) {
	perPlatform(b, func(b *testing.B, ts [2]target) {
		ctx := context.Background()
		var invoke [2]func(context.Context, []byte) ([]byte, error)
		for j, t := range ts {
			inv, stop, err := t.start(ctx, t.bin, runtimeharness.Options{Env: t.env})
			require.NoError(b, err)
			defer stop()
			payload, err := inv(ctx, t.event) // the cold one is not measured
			require.NoError(b, err)
			checkOK(b, payload)
			invoke[j] = inv
		}
		var d [2][]time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for k := range 2 {
				j := (i + k) % 2
				t0 := time.Now()
				if _, err := invoke[j](ctx, ts[j].event); err != nil {
					b.Fatal(err)
				}
				d[j] = append(d[j], time.Since(t0))
			}
		}
		b.StopTimer()
		reportPair(b, d[0], d[1], time.Microsecond, "us")
	})
}
