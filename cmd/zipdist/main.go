// Command zipdist writes a deployment zip: each named file at the archive's
// root under its base name, with its Unix mode kept (SCF and Lambda exec the
// binary, so 0755 matters) and a fixed timestamp, so the same binaries give
// the same zip. It replaces the zip tool, which a fresh machine may lack.
//
//	go run ./cmd/zipdist -o dist/scf.zip dist/scf/main
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("o", "", "the zip file to write")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: zipdist -o out.zip file...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := writeZip(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "zipdist:", err)
		os.Exit(1)
	}
}
