package main

import (
	"encoding/json"
	"strings"
)

// trigger is the event source an event came through.
type trigger int

const (
	direct      trigger = iota // a plain request body with "action"
	restAPI                    // API Gateway REST API (payload 1.0)
	httpAPI                    // API Gateway HTTP API (payload 2.0)
	functionURL                // Lambda Function URL
	alb                        // Application Load Balancer target group
)

func (t trigger) String() string {
	return [...]string{"direct", "rest-v1", "http-v2", "function-url", "alb"}[t]
}

// title names the trigger in an InvalidEvent message.
func (t trigger) title() string {
	return [...]string{"direct", "API Gateway REST", "API Gateway HTTP API", "Lambda Function URL", "ALB target group"}[t]
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

// triggerOf tells the event's trigger from its shape: version/rawPath/
// routeKey mean payload 2.0 (a Function URL when the domain is
// *.lambda-url.* and the route is $default or absent), requestContext.elb an
// ALB, resource or httpMethod a REST API; anything else, including a value
// that is not an object, is a direct invocation.
func triggerOf(event []byte) trigger {
	var p probe
	if json.Unmarshal(event, &p) != nil {
		return direct
	}
	switch {
	case p.Version != nil || p.RawPath != nil || p.RouteKey != nil:
		var domain, route string
		_ = json.Unmarshal(p.RequestContext.DomainName, &domain)
		_ = json.Unmarshal(p.RouteKey, &route)
		if strings.Contains(domain, ".lambda-url.") && (p.RouteKey == nil || route == "$default") {
			return functionURL
		}
		return httpAPI
	case p.RequestContext.ELB != nil && string(p.RequestContext.ELB) != "null":
		return alb
	case p.Resource != nil || p.HTTPMethod != nil:
		return restAPI
	}
	return direct
}
