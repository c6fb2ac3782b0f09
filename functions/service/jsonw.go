package service

import (
	"slices"
	"strconv"

	"github.com/cos-signer/cos-signer/functions/internal/jsonstr"
)

// jsonObj writes one JSON object by hand: the answers are small and flat,
// and building them without reflection keeps a signing request within a
// few microseconds.
type jsonObj struct {
	b     []byte
	first bool
}

func newObj(b []byte) jsonObj { return jsonObj{b: append(b, '{'), first: true} }

// name writes a member name; names are the service's own constants and
// need no escaping.
func (o *jsonObj) name(n string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, n...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObj) str(n, v string) {
	o.name(n)
	o.b = jsonstr.Append(o.b, v)
}

func (o *jsonObj) int(n string, v int64) {
	o.name(n)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObj) raw(n string, v []byte) {
	o.name(n)
	o.b = append(o.b, v...)
}

// strMap writes a map of strings with its names sorted, so answers are
// stable; nil becomes {}.
func (o *jsonObj) strMap(n string, m map[string]string) {
	o.name(n)
	o.b = appendStrMap(o.b, m)
}

func (o *jsonObj) close() []byte { return append(o.b, '}') }

func appendStrMap(b []byte, m map[string]string) []byte {
	b = append(b, '{')
	if len(m) == 1 {
		for k, v := range m {
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			b = jsonstr.Append(b, v)
		}
		return append(b, '}')
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, k)
		b = append(b, ':')
		b = jsonstr.Append(b, m[k])
	}
	return append(b, '}')
}
