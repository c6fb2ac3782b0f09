package service

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// field is one request field, declared once, by input's struct tags: its
// JSON name is also its query and form parameter name (in any letter case,
// as encoding/json matches names), and its Go type says what a parameter
// may set. A map that a query fills carries a query tag: the singular
// prefix of its names (headers[Name] or header.Name), then any name
// prefixes that are keys as they stand (response-content-type is a param).
type field struct {
	name   string
	index  int    // in input
	text   bool   // a string or scalar: a parameter of its name sets it
	single string // a query-filled map's singular prefix
	whole  []string
}

var (
	// fields are input's fields, in declaration order.
	fields = declareFields()
	// fieldNames are their JSON names, for the "did you mean" suggestions
	// and the list of fields an UnknownField answer gives.
	fieldNames = func() []string {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		return names
	}()
	expiredField, expiresField = fieldNamed("expired"), fieldNamed("expires")
)

// maxFields bounds input's fields: decodeJSON keeps what each field was
// given in an array of this size.
const maxFields = 64

func declareFields() []field {
	t := reflect.TypeFor[input]()
	if t.NumField() > maxFields {
		panic("service: input has more than maxFields fields")
	}
	fs := make([]field, t.NumField())
	for i := range fs {
		sf := t.Field(i)
		f := field{index: i, text: sf.Type == reflect.TypeFor[string]() || sf.Type == reflect.TypeFor[scalar]()}
		f.name, _, _ = strings.Cut(sf.Tag.Get("json"), ",")
		if q, ok := sf.Tag.Lookup("query"); ok {
			if sf.Type != reflect.TypeFor[map[string]scalar]() {
				panic("service: a query tag belongs on a map[string]scalar field, not on " + sf.Name)
			}
			parts := strings.Split(q, ",")
			f.single, f.whole = parts[0], parts[1:]
		}
		fs[i] = f
	}
	return fs
}

// fieldNamed is the field a member or parameter name sets, in any letter
// case, or nil.
func fieldNamed(name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(name, fields[i].name) {
			return &fields[i]
		}
	}
	return nil
}

// ptr is the field's address in in, for encoding/json to decode into.
func (f *field) ptr(in *input) any {
	return reflect.ValueOf(in).Elem().Field(f.index).Addr().Interface()
}

// set gives the field a query or form parameter's value (key: the map key,
// for a map); queryField has said that a parameter may set it.
func (f *field) set(in *input, key, v string) {
	switch p := f.ptr(in).(type) {
	case *string:
		*p = v
	case *scalar:
		*p = str(v)
	case *map[string]scalar:
		if *p == nil {
			*p = map[string]scalar{}
		}
		(*p)[key] = str(v)
	}
}

// queryField is the field a query or form parameter name sets (nil for
// none), and for a map the key: field names, then headers[...] /
// header.X, params[...] / param.x and response-*. id names what was set,
// letter case aside, to find two parameters that set the same thing.
func queryField(name string) (f *field, key, id string) {
	if f := fieldNamed(name); f != nil && f.text {
		return f, "", f.name
	}
	for i := range fields {
		f := &fields[i]
		if f.single == "" {
			continue
		}
		if k, ok := bracketName(name, f.name, f.single); ok {
			return f, k, f.name + ":" + strings.ToLower(k)
		}
		for _, p := range f.whole {
			if len(name) > len(p) && strings.EqualFold(name[:len(p)], p) {
				return f, name, f.name + ":" + strings.ToLower(name)
			}
		}
	}
	return nil, "", ""
}

// bracketName reads "headers[Name]" or "header.Name".
func bracketName(s, plural, single string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, plural+"["); ok && strings.HasSuffix(rest, "]") && len(rest) > 1 {
		return rest[:len(rest)-1], true
	}
	if rest, ok := strings.CutPrefix(s, single+"."); ok && rest != "" {
		return rest, true
	}
	return "", false
}

// sdkOptions are the getAuthorization options of cos-js-sdk-v5,
// cos-wx-sdk-v5 and cos-nodejs-sdk-v5 that the service reads, spelt as the
// SDKs send them. An object holding one of them is an SDK options object.
var sdkOptions = []string{"Bucket", "Region", "Method", "Key", "Pathname", "Query", "Headers"}

func unknownField(name string) error {
	msg := fmt.Sprintf("unknown field %s", quoteName(name))
	if near := closestField(name); near != "" {
		return badRequest("UnknownField", msg+fmt.Sprintf(": did you mean %q?", near))
	}
	return badRequest("UnknownField", msg+": the fields are "+strings.Join(fieldNames, ", "))
}

func quoteName(name string) string { return truncate(strconv.Quote(name), 80) }

// closestField is the field name nearest to name (letter case aside), if
// it is within a slip of the keyboard: an edit distance of at most 2 and
// less than half the name.
func closestField(name string) string {
	if len(name) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, f := range fieldNames {
		if d := editDistance(strings.ToLower(name), strings.ToLower(f)); d < bestD && 2*d < len(f) {
			best, bestD = f, d
		}
	}
	return best
}

// sameJSON: two member values are the same JSON, spacing aside.
func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// checkAliases refuses expired and expires given with different values in
// one request object or query (encoding/json would keep one in silence).
func checkAliases(expired, expires scalar) error {
	if expired.set && expires.set && strings.TrimSpace(expired.s) != strings.TrimSpace(expires.s) {
		return badRequest("DuplicateName", fmt.Sprintf("expired (%s) and expires (%s) name the same field with different values: send one of them",
			truncate(strconv.Quote(expired.s), 24), truncate(strconv.Quote(expires.s), 24)))
	}
	return nil
}
