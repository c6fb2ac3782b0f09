// Command benchratio reads `go test -bench` output in which each case runs
// as a pair of sub-benchmarks, <case>/ours and <case>/floor, and prints for
// each case the medians and the median of the ratios of the k-th ours run
// to the k-th floor run. On this VM the speed drifts, so the input should
// come from repeated -count 1 runs (go test -count N runs each
// sub-benchmark N times in a row): then the k-th runs of the two sides are
// seconds apart, and their ratio is steadier than a ratio of medians.
//
//	for i in $(seq 10); do go test -run '^$' -bench '^BenchmarkHandler$' -count 1 ./functions/scf; done | go run ./cmd/benchratio
package main

import (
	"fmt"
	"os"
)

func main() {
	cases, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	if len(cases) == 0 {
		fmt.Fprintln(os.Stderr, "benchratio: no <case>/ours and <case>/floor pairs in the input")
		os.Exit(1)
	}
	report(os.Stdout, cases)
}
