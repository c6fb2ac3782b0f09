package main

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// A pairCase gathers one case's runs: ours and floor in ns/op, and the
// ratio of the k-th ours run to the k-th floor run.
type pairCase struct {
	name        string
	ours, floor []float64
	ratios      []float64
}

// parse reads benchmark lines, keyed by package ("pkg:" lines) and case
// (the name without /ours or /floor and the -N GOMAXPROCS suffix), named
// by the package's last element and the case.
func parse(r io.Reader) ([]*pairCase, error) {
	var order []*pairCase
	byName := map[string]*pairCase{}
	pkg := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		base, side := name, ""
		for _, s := range []string{"/ours", "/floor"} {
			if b, ok := strings.CutSuffix(name, s); ok {
				base, side = b, s
			}
		}
		if side == "" {
			continue
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", line, err)
		}
		key := pkg + " " + base
		c := byName[key]
		if c == nil {
			c = &pairCase{name: strings.TrimSpace(path.Base(pkg) + " " + strings.TrimPrefix(base, "Benchmark"))}
			byName[key] = c
			order = append(order, c)
		}
		if side == "/ours" {
			c.ours = append(c.ours, ns)
		} else {
			c.floor = append(c.floor, ns)
		}
		if k := len(c.ratios); k < len(c.ours) && k < len(c.floor) {
			c.ratios = append(c.ratios, c.ours[k]/c.floor[k])
		}
	}
	var out []*pairCase
	for _, c := range order {
		if len(c.ratios) > 0 {
			out = append(out, c)
		}
	}
	return out, sc.Err()
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func report(w io.Writer, cases []*pairCase) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tours (median)\tfloor (median)\tours/floor (median of pairs)\tmin\tmax\tpairs\t")
	for _, c := range cases {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%d\t\n", c.name, dur(median(c.ours)), dur(median(c.floor)),
			median(c.ratios), slices.Min(c.ratios), slices.Max(c.ratios), len(c.ratios))
	}
	tw.Flush()
}

func dur(ns float64) string {
	if ns >= 1000 {
		return fmt.Sprintf("%.2f µs", ns/1000)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
