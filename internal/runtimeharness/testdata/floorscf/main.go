// Command floorscf is the hello-world scf-go-lib function: the floor the
// real SCF binary's cold start and warm invoke are measured against. A few
// event fields exercise the harness's error paths.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tencentyun/scf-go-lib/cloudfunction"
)

type event struct {
	Name  string `json:"name"`
	Fail  string `json:"fail"`
	Panic bool   `json:"panic"`
	Env   string `json:"env"`
}

type answer struct {
	Hello string `json:"hello"`
	Env   string `json:"env,omitempty"`
}

func handle(ctx context.Context, e event) (answer, error) {
	if err := ctx.Err(); err != nil {
		return answer{}, err
	}
	if e.Panic {
		panic("asked to panic")
	}
	if e.Fail != "" {
		return answer{}, errors.New(e.Fail)
	}
	if e.Name == "" {
		e.Name = "world"
	}
	fmt.Fprintln(os.Stderr, "hello", e.Name)
	a := answer{Hello: e.Name}
	if e.Env != "" {
		a.Env = os.Getenv(e.Env)
	}
	return a, nil
}

func main() { cloudfunction.Start(handle) }
