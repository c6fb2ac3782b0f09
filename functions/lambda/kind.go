package main

import (
	"strings"

	"github.com/cos-signer/cos-signer/functions/internal/jsonprobe"
)

// kind is the trigger an event came through.
type kind int

const (
	kindDirect      kind = iota // a plain request body with "action"
	kindRESTv1                  // API Gateway REST API (payload 1.0)
	kindHTTPv2                  // API Gateway HTTP API (payload 2.0)
	kindFunctionURL             // Lambda Function URL
	kindALB                     // Application Load Balancer target group
)

func (k kind) String() string {
	return [...]string{"direct", "rest-v1", "http-v2", "function-url", "alb"}[k]
}

// kindOf tells the event's trigger from its shape: version/rawPath/routeKey
// mean payload 2.0 (a Function URL when the domain is *.lambda-url.* and the
// route is $default or absent), requestContext.elb an ALB, resource or
// httpMethod a REST API; anything else is a direct invocation.
func kindOf(event []byte) kind {
	var p struct {
		v2, resource, method  bool
		routeKey, elb, domain []byte
		contexts              [][]byte
	}
	if !jsonprobe.Members(event, func(name, v []byte) {
		switch {
		case jsonprobe.Is(name, "version"), jsonprobe.Is(name, "rawPath"):
			p.v2 = true
		case jsonprobe.Is(name, "routeKey"):
			p.v2, p.routeKey = true, v
		case jsonprobe.Is(name, "resource"):
			p.resource = true
		case jsonprobe.Is(name, "httpMethod"):
			p.method = true
		case jsonprobe.Is(name, "requestContext"):
			p.contexts = append(p.contexts, v)
		}
	}) {
		return kindDirect
	}
	// A repeated requestContext merges into one, as encoding/json decodes
	// it into one struct; null leaves it as it is.
	for _, rc := range p.contexts {
		if string(rc) == "null" {
			continue
		}
		if !jsonprobe.Members(rc, func(name, v []byte) {
			switch {
			case jsonprobe.Is(name, "elb"):
				p.elb = v
			case jsonprobe.Is(name, "domainName"):
				p.domain = v
			}
		}) {
			// requestContext is not an object: no HTTP trigger sends
			// that, so the service reads it as a direct invocation.
			return kindDirect
		}
	}
	switch {
	case p.v2:
		domain, _ := jsonprobe.String(p.domain)
		route, _ := jsonprobe.String(p.routeKey)
		if strings.Contains(domain, ".lambda-url.") && (p.routeKey == nil || route == "$default") {
			return kindFunctionURL
		}
		return kindHTTPv2
	case p.elb != nil && string(p.elb) != "null":
		return kindALB
	case p.resource || p.method:
		return kindRESTv1
	}
	return kindDirect
}
