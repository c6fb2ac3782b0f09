//go:build tools

// Package cossigner pins the modules the functions build on, so that go.mod
// holds them before every package imports them (go mod tidy keeps them).
package cossigner

import (
	_ "github.com/aws/aws-lambda-go/events"
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/tencentyun/scf-go-lib/cloudfunction"
	_ "github.com/tencentyun/scf-go-lib/cloudfunction/messages"
	_ "gopkg.in/yaml.v3"
)
