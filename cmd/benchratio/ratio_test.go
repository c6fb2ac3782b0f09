package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
pkg: example.com/a
BenchmarkHandler/url-presign/ours-2     1000   7000 ns/op   4000 B/op   17 allocs/op
BenchmarkHandler/url-presign/ours-2     1000   9000 ns/op   4000 B/op   17 allocs/op
BenchmarkHandler/url-presign/floor-2    1000   5000 ns/op   1600 B/op   16 allocs/op
BenchmarkHandler/url-presign/floor-2    1000   6000 ns/op   1600 B/op   16 allocs/op
BenchmarkHandler/url-presign/ours-2     1000   8000 ns/op   4000 B/op   17 allocs/op
BenchmarkHandler/url-presign/floor-2    1000   8000 ns/op   1600 B/op   16 allocs/op
BenchmarkOther-2                        1000    100 ns/op
ok  	example.com/a	1.0s
pkg: example.com/b
BenchmarkHandler/url-presign/ours-2     1000    900 ns/op
BenchmarkHandler/url-presign/floor-2    1000    1000 ns/op
`

func TestPairsAreKeyedByPackageAndCase(t *testing.T) {
	cases, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	require.Len(t, cases, 2)
	a := cases[0]
	assert.Equal(t, "a Handler/url-presign", a.name)
	assert.Equal(t, []float64{7000.0 / 5000, 9000.0 / 6000, 1}, a.ratios, "the k-th ours run over the k-th floor run")
	assert.InDelta(t, 1.4, median(a.ratios), 1e-9)
	assert.Equal(t, 8000.0, median(a.ours))
	assert.Equal(t, 6000.0, median(a.floor))
	assert.Equal(t, []float64{0.9}, cases[1].ratios)

	var out bytes.Buffer
	report(&out, cases)
	assert.Contains(t, out.String(), "8.00 µs")
	assert.Contains(t, out.String(), "1.40")
	assert.Contains(t, out.String(), "900 ns")
}

func TestMedian(t *testing.T) {
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 2, 3}))
}
