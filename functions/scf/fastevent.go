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

// fastRead is what fastEvent reads beyond the Event's own fields.
type fastRead struct {
	// http: the event has a string httpMethod; without one it is a direct
	// invocation, and nothing else was read.
	http bool
	// header is the header map lower-cased (the headers keepHeader keeps),
	// built straight from the raw member, unless names coincide once
	// lower-cased (then it is nil, and ev.Headers is set for lowerHeaders to
	// resolve).
	header map[string]string
	// body is the body's text as bytes (still base64 when the event says
	// isBase64Encoded), nil when empty; ev.Body is left empty.
	body []byte
}

// fastEvent fills the fields toRequest reads, or answers false for anything
// it does not read exactly as encoding/json would (toRequest then decodes
// with encoding/json). FuzzFastEvent holds it to encoding/json. The
// strings it reads share one buffer (eventjson.Text).
func fastEvent(payload []byte, ev *Event) (fastRead, bool) {
	var c [8][]byte
	// The headers are read as the scan validates them; the other strings
	// share their buffer.
	headers := eventjson.LowerMap{Keep: keptHeaders}
	t := &headers.Text
	if !eventSchema.ScanMembers(payload, c[:], 3, headers.Add) {
		return fastRead{}, false
	}
	if c[0] == nil {
		return fastRead{}, true
	}
	fr := fastRead{http: true}
	ev.Method, ev.Path = t.Str(c[0]), t.Str(c[1])
	ev.QueryString = queryString(t, c[2])
	var ok bool
	if fr.header, ok = headers.Map(); c[3] == nil || !ok {
		fr.header, ev.Headers = nil, t.StringMap(c[3])
	}
	fr.body, ev.IsBase64Encoded = eventjson.AppendStr(nil, c[4]), eventjson.Bool(c[5])
	ev.Context.RequestID, ev.Context.SourceIP = t.Str(c[6]), t.Str(c[7])
	return fr, true
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
// left out); of repeated names the last counts. No names give nil, which
// eventRequest takes as encoding/json's empty map.
func queryString(t *eventjson.Text, raw []byte) events.APIGatewayQueryString {
	var q events.APIGatewayQueryString // made at the first name: most events have none
	eventjson.ObjectMembers(raw, func(name []byte, _ bool, v []byte) bool {
		if q == nil {
			q = make(events.APIGatewayQueryString, 8)
		}
		k := t.Key(name)
		switch v[0] {
		case 't', 'f':
			q[k] = []string{}
		case '"':
			q[k] = []string{t.Str(v)}
		case '[':
			var vs []string
			eventjson.ArrayElements(v, func(e []byte) bool {
				vs = append(vs, t.Str(e))
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
