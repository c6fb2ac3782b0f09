// Command floorlambda is the hello-world aws-lambda-go function (built with
// -tags lambda.norpc): the floor the real Lambda bootstrap's cold start and
// warm invoke are measured against. A few event fields exercise the
// harness's error paths.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
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
		// The error type the Runtime API sees is the code.
		return answer{}, messages.InvokeResponse_Error{Type: e.Fail, Message: "asked to fail"}
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

func main() { lambda.Start(handle) }
