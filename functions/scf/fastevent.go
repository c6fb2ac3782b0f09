package main

import (
	"reflect"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
)

// eventSchema reads an SCF HTTP event's fields in one validating pass
// instead of decoding every field by reflection. scf-go-lib's queryString
// type has its own decoder; queryStringShape gives its shape.
var eventSchema = eventjson.SchemaOf(reflect.TypeFor[Event](),
	map[reflect.Type]func([]byte) bool{reflect.TypeFor[events.APIGatewayQueryString](): queryStringShape},
	"httpMethod", "path", "queryString", "headers", "body", "isBase64Encoded", "requestContext.requestId", "requestContext.sourceIp")

// fastEvent fills the fields toRequest reads, or answers false for anything
// it does not read exactly as encoding/json would (toRequest then decodes
// with encoding/json). FuzzFastEvent holds it to encoding/json.
// The header map comes back lower-cased, built straight from the raw
// member, unless names coincide once lower-cased (then it is nil, and
// ev.Headers is set for lowerHeaders to resolve).
func fastEvent(raw []byte, ev *Event) (map[string]string, bool) {
	var c [8][]byte
	if !eventSchema.Scan(raw, c[:]) {
		return nil, false
	}
	ev.Method, ev.Path = eventjson.Str(c[0]), eventjson.Str(c[1])
	ev.QueryString = queryString(c[2])
	hdr, ok := eventjson.LowerStringMap(c[3])
	if !ok {
		hdr, ev.Headers = nil, eventjson.StringMap(c[3])
	}
	ev.Body, ev.IsBase64Encoded = eventjson.Str(c[4]), eventjson.Bool(c[5])
	ev.Context.RequestID, ev.Context.SourceIP = eventjson.Str(c[6]), eventjson.Str(c[7])
	return hdr, true
}

// queryStringShape is what APIGatewayQueryString.UnmarshalJSON accepts
// without error: an object of booleans, strings and arrays of strings
// (names without escapes, which the fast reader leaves to encoding/json).
func queryStringShape(raw []byte) bool {
	return eventjson.ObjectMembers(raw, func(_ []byte, escaped bool, v []byte) bool {
		switch v[0] {
		case 't', 'f', '"':
			return !escaped
		case '[':
			return !escaped && eventjson.ArrayElements(v, func(e []byte) bool { return e[0] == '"' })
		}
		return false
	})
}

// queryString is APIGatewayQueryString.UnmarshalJSON on a value
// queryStringShape accepted: true or false is a name without a value, a
// string one value, an array its values (an empty array none: the name is
// left out); of repeated names the last counts.
func queryString(raw []byte) events.APIGatewayQueryString {
	if raw == nil {
		return nil
	}
	q := make(events.APIGatewayQueryString, 8)
	eventjson.ObjectMembers(raw, func(name []byte, _ bool, v []byte) bool {
		k := eventjson.Key(name)
		switch v[0] {
		case 't', 'f':
			q[k] = []string{}
		case '"':
			q[k] = []string{eventjson.Str(v)}
		case '[':
			var vs []string
			eventjson.ArrayElements(v, func(e []byte) bool {
				vs = append(vs, eventjson.Str(e))
				return true
			})
			if vs == nil {
				delete(q, k)
			} else {
				q[k] = vs
			}
		}
		return true
	})
	return q
}
