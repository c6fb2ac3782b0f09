package main

import (
	"encoding/json"
	"strings"
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

// probe holds only the fields that tell the triggers apart; they are raw so
// that a field of an unexpected type never fails the probe itself.
type probe struct {
	Version        json.RawMessage `json:"version"`
	RawPath        json.RawMessage `json:"rawPath"`
	RouteKey       json.RawMessage `json:"routeKey"`
	Resource       json.RawMessage `json:"resource"`
	HTTPMethod     json.RawMessage `json:"httpMethod"`
	RequestContext struct {
		ELB        json.RawMessage `json:"elb"`
		DomainName json.RawMessage `json:"domainName"`
	} `json:"requestContext"`
}

// kindOf tells the event's trigger from its shape: version/rawPath/routeKey
// mean payload 2.0 (a Function URL when the domain is *.lambda-url.* and the
// route is $default or absent), requestContext.elb an ALB, resource or
// httpMethod a REST API; anything else is a direct invocation.
func kindOf(event []byte) kind {
	var p probe
	if json.Unmarshal(event, &p) != nil {
		// Not an object, or requestContext is not one: no HTTP trigger
		// sends that, so the service reads it as a direct invocation.
		return kindDirect
	}
	switch {
	case p.Version != nil || p.RawPath != nil || p.RouteKey != nil:
		var domain, route string
		_ = json.Unmarshal(p.RequestContext.DomainName, &domain)
		_ = json.Unmarshal(p.RouteKey, &route)
		if strings.Contains(domain, ".lambda-url.") && (p.RouteKey == nil || route == "$default") {
			return kindFunctionURL
		}
		return kindHTTPv2
	case p.RequestContext.ELB != nil && string(p.RequestContext.ELB) != "null":
		return kindALB
	case p.Resource != nil || p.HTTPMethod != nil:
		return kindRESTv1
	}
	return kindDirect
}
