package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"unicode"
	"unicode/utf8"

	"github.com/cos-signer/cos-signer/functions/sts"
)

// input is one signing request as callers send it: the seed's argument
// names in camelCase, plus the cos-js-sdk-v5 / cos-wx-sdk-v5
// getAuthorization options (Method, Pathname, Key, Query, Headers, Bucket,
// Region), matched case-insensitively onto the same fields. Its tags
// declare each field once (fields.go): the JSON name, which is also the
// query and form name, and for a map a query fills, its query spellings.
// Other members are refused (an SDK options object's own extra members
// aside); a field of the wrong type is a 400 that names it.
type input struct {
	Action              string            `json:"action"`
	Bucket              string            `json:"bucket"`
	Region              string            `json:"region"`
	Key                 scalar            `json:"key"`
	Pathname            scalar            `json:"pathname"`
	Method              string            `json:"method"`
	Expired             scalar            `json:"expired"`
	Expires             scalar            `json:"expires"`
	Headers             map[string]scalar `json:"headers" query:"header"`
	Params              map[string]scalar `json:"params" query:"param,response-"`
	Query               map[string]scalar `json:"query"`
	SignHost            scalar            `json:"signHost"`
	Ext                 string            `json:"ext"`
	Filename            string            `json:"filename"`
	ContentType         scalar            `json:"contentType"`
	ContentLength       scalar            `json:"contentLength"`
	SuccessActionStatus scalar            `json:"successActionStatus"`
	Redirect            scalar            `json:"redirect"`
	Process             scalar            `json:"process"`
	Via                 string            `json:"via"`
	Requests            []json.RawMessage `json:"requests"`
	Scope               []sts.ScopeItem   `json:"scope"`
}

// scalar is a JSON string, number or boolean kept as its text (numbers and
// booleans as written), so that "expired": 300 and "expired": "300" mean the
// same and the field's own rule says what is wrong with a bad value. null
// leaves it unset; an object or array is a type error naming the field.
type scalar struct {
	s   string
	set bool
}

// scalarText stands for a scalar in type errors, so the message says what
// a scalar field takes.
type scalarText string

var scalarType = reflect.TypeOf(scalarText(""))

func (v *scalar) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		return nil
	case b[0] == 'n': // null: no change, as encoding/json does for other types
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if !utf8.Valid(b) && bytes.IndexByte(b, '\\') < 0 {
			// encoding/json turns each invalid byte into U+FFFD; the text as
			// sent lets the field's own rule refuse it by name (a key that
			// is not UTF-8 is an InvalidKey).
			s = string(b[1 : len(b)-1])
		}
		v.s, v.set = s, true
		return nil
	case b[0] == '{':
		return &json.UnmarshalTypeError{Value: "object", Type: scalarType}
	case b[0] == '[':
		return &json.UnmarshalTypeError{Value: "array", Type: scalarType}
	}
	v.s, v.set = string(b), true // number, true or false
	return nil
}

func str(s string) scalar { return scalar{s: s, set: true} }

// decodeJSON decodes a request object into in (which may hold defaults:
// the query's fields, or a batch's); the error is a 400 that says where and
// what. encoding/json splits the object into its members once; each
// member's value is then decoded straight into the field its name declares
// (fields.go), in any letter case. Only request fields are accepted:
// another member is a 400 UnknownField with the closest field name when
// one is near, except that in an SDK options object capitalised members the
// service does not read (SystemClockOffset, ForceSignHost, and whatever a
// later SDK version adds) are ignored: the SDKs name every option so, and
// the callback passes the object on as it is. A field given twice in
// different letter case with different values is a 400 DuplicateName. A
// field the object sets replaces the default, and expired and expires are
// one field: the object's own one replaces the default's other one.
func decodeJSON(body []byte, in *input) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return jsonError(err)
	}
	sdk := false
	for _, o := range sdkOptions {
		if _, ok := members[o]; ok {
			sdk = true
			break
		}
	}
	var given [maxFields]string // the member that sets each field
	for name, raw := range members {
		f := fieldNamed(name)
		if f == nil {
			if sdk && name != "" && unicode.IsUpper([]rune(name)[0]) {
				continue
			}
			return unknownField(name)
		}
		if prev := given[f.index]; prev != "" && !sameJSON(members[prev], raw) {
			return badRequest("DuplicateName", fmt.Sprintf("members %s and %s name the same field with different values: send one of them", quoteName(prev), quoteName(name)))
		}
		given[f.index] = name
	}
	for i := range fields {
		if name := given[i]; name != "" {
			if err := decodeField(&fields[i], members[name], in); err != nil {
				return err
			}
		}
	}
	own := func(f *field, v scalar) scalar { // the object's own expired or expires (null sets nothing)
		if raw := members[given[f.index]]; len(raw) == 0 || raw[0] == 'n' {
			return scalar{}
		}
		return v
	}
	expired, expires := own(expiredField, in.Expired), own(expiresField, in.Expires)
	if err := checkAliases(expired, expires); err != nil {
		return err
	}
	if expired.set && !expires.set {
		in.Expires = scalar{}
	} else if expires.set && !expired.set {
		in.Expired = scalar{}
	}
	return nil
}

// decodeField decodes a member's value into its field. The object is valid
// JSON already: a field that decodes itself (a scalar) is handed its
// value, not scanned again.
func decodeField(f *field, raw json.RawMessage, in *input) error {
	p := f.ptr(in)
	var err error
	if u, ok := p.(json.Unmarshaler); ok {
		err = u.UnmarshalJSON(raw)
	} else {
		err = json.Unmarshal(raw, p)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		path := f.name
		if te.Field != "" {
			path += "." + te.Field
		}
		return badRequest("InvalidField", fmt.Sprintf("field %q has the wrong type: %s where %s was expected", path, te.Value, jsonKind(te.Type)))
	}
	if err != nil {
		return jsonError(err)
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return badRequest("InvalidJSON", fmt.Sprintf("the body is not valid JSON: %s (at byte %d)", se.Error(), se.Offset))
	case errors.As(err, &te) && te.Field == "":
		return badRequest("InvalidJSON", fmt.Sprintf("the body must be a JSON object, not %s", te.Value))
	case errors.As(err, &te):
		return badRequest("InvalidField", fmt.Sprintf("field %q has the wrong type: %s where %s was expected", te.Field, te.Value, jsonKind(te.Type)))
	}
	return badRequest("InvalidJSON", "the body is not valid JSON: "+err.Error())
}

func jsonKind(t reflect.Type) string {
	if t == scalarType {
		return "a string, number or boolean"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "an array"
	}
	return "a " + t.String()
}

// decodeQuery fills in from query parameters (GET forms, and POST with an
// empty body): the same names as the JSON fields, headers as
// headers[Name]=value or header.Name=value, params as params[name]=value or
// param.name=value, and response-* names directly as params (queryField).
//
// A field given twice (key=a&key=b, or key and KEY) is ambiguous: proxies
// and clients disagree on which one wins, so it is a 400 DuplicateName.
//
// A name that sets nothing is ignored in a URL's query: links are shared,
// and share sheets and trackers append their own (utm_source, from=…). A
// form body is the caller's own, so there (strict) it is a 400
// UnknownField, as in a JSON body.
func decodeQuery(q map[string][]string, in *input, strict bool) error {
	var seen map[string]string
	for name, vs := range q {
		if len(vs) == 0 {
			continue
		}
		f, key, id := queryField(name)
		if f == nil {
			if strict {
				return unknownField(name)
			}
			continue
		}
		v := vs[0]
		for _, other := range vs[1:] {
			if other != v {
				return badRequest("DuplicateName", fmt.Sprintf("query parameter %s is given more than once with different values", quoteName(name)))
			}
		}
		if seen == nil {
			seen = make(map[string]string, len(q))
		}
		if prev, dup := seen[id]; dup {
			return badRequest("DuplicateName", fmt.Sprintf("query parameters %s and %s name the same field: send one of them", quoteName(prev), quoteName(name)))
		}
		seen[id] = name
		f.set(in, key, v)
	}
	return checkAliases(in.Expired, in.Expires)
}

// decodeForm reads an application/x-www-form-urlencoded body like a query.
func decodeForm(body []byte, in *input) error {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return badRequest("InvalidForm", "the form body is not valid: "+err.Error())
	}
	return decodeQuery(q, in, true)
}
