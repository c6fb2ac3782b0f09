package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/cos-signer/cos-signer/functions/sts"
)

// input is one signing request as callers send it: the seed's argument
// names in camelCase, plus the cos-js-sdk-v5 / cos-wx-sdk-v5
// getAuthorization options (Method, Pathname, Key, Query, Headers, Bucket,
// Region), which encoding/json matches case-insensitively onto the same
// fields. Other members are refused (checkMembers; an SDK options object's
// own extra members aside); a field of the wrong type is a 400 that names
// it.
type input struct {
	Action              string            `json:"action"`
	Bucket              string            `json:"bucket"`
	Region              string            `json:"region"`
	Key                 scalar            `json:"key"`
	Pathname            scalar            `json:"pathname"`
	Method              string            `json:"method"`
	Expired             scalar            `json:"expired"`
	Expires             scalar            `json:"expires"`
	Headers             map[string]scalar `json:"headers"`
	Params              map[string]scalar `json:"params"`
	Query               map[string]scalar `json:"query"`
	SignHost            scalar            `json:"signHost"`
	Ext                 string            `json:"ext"`
	Filename            string            `json:"filename"`
	ContentType         scalar            `json:"contentType"`
	ContentLength       scalar            `json:"contentLength"`
	SuccessActionStatus scalar            `json:"successActionStatus"`
	Redirect            scalar            `json:"redirect"`
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
// what. Only request fields are accepted (checkMembers). A field the object
// sets replaces the default, and expired and expires are one field: the
// object's own one replaces the default's other one.
func decodeJSON(body []byte, in *input) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return jsonError(err)
	}
	fields, aerr := checkMembers(members)
	if aerr != nil {
		return aerr
	}
	var expired, expires scalar
	_ = expired.UnmarshalJSON(fields["expired"]) // a bad value is reported below
	_ = expires.UnmarshalJSON(fields["expires"])
	if aerr := checkAliases(expired, expires); aerr != nil {
		return aerr
	}
	if err := json.Unmarshal(body, in); err != nil {
		return jsonError(err)
	}
	if expired.set && !expires.set {
		in.Expires = scalar{}
	} else if expires.set && !expired.set {
		in.Expired = scalar{}
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
// param.name=value, and response-* names directly as params.
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
		v := vs[0]
		canon := queryFieldName(name)
		for _, other := range vs[1:] {
			if other != v && canon != "" {
				return badRequest("DuplicateName", fmt.Sprintf("query parameter %s is given more than once with different values", quoteName(name)))
			}
		}
		if canon != "" {
			if seen == nil {
				seen = make(map[string]string, len(q))
			}
			if prev, dup := seen[canon]; dup {
				return badRequest("DuplicateName", fmt.Sprintf("query parameters %s and %s name the same field: send one of them", quoteName(prev), quoteName(name)))
			}
			seen[canon] = name
		}
		switch strings.ToLower(name) {
		case "action":
			in.Action = v
		case "bucket":
			in.Bucket = v
		case "region":
			in.Region = v
		case "key":
			in.Key = str(v)
		case "pathname":
			in.Pathname = str(v)
		case "method":
			in.Method = v
		case "expired":
			in.Expired = str(v)
		case "expires":
			in.Expires = str(v)
		case "signhost":
			in.SignHost = str(v)
		case "ext":
			in.Ext = v
		case "filename":
			in.Filename = v
		case "contenttype":
			in.ContentType = str(v)
		case "contentlength":
			in.ContentLength = str(v)
		case "successactionstatus":
			in.SuccessActionStatus = str(v)
		case "redirect":
			in.Redirect = str(v)
		default:
			if h, ok := bracketName(name, "headers", "header"); ok {
				if in.Headers == nil {
					in.Headers = map[string]scalar{}
				}
				in.Headers[h] = str(v)
			} else if p, ok := bracketName(name, "params", "param"); ok {
				if in.Params == nil {
					in.Params = map[string]scalar{}
				}
				in.Params[p] = str(v)
			} else if len(name) > 9 && strings.EqualFold(name[:9], "response-") {
				if in.Params == nil {
					in.Params = map[string]scalar{}
				}
				in.Params[name] = str(v)
			} else if strict {
				return unknownField(name)
			}
		}
	}
	return checkAliases(in.Expired, in.Expires)
}

// queryFieldName is the field a query name sets, lower-cased ("" for names
// that are ignored): request fields, headers[...] / header.X, params[...] /
// param.x and response-*.
func queryFieldName(name string) string {
	lower := strings.ToLower(name)
	switch lower {
	case "action", "bucket", "region", "key", "pathname", "method", "expired", "expires", "signhost", "ext", "filename",
		"contenttype", "contentlength", "successactionstatus", "redirect":
		return lower
	}
	if h, ok := bracketName(name, "headers", "header"); ok {
		return "header:" + strings.ToLower(h)
	}
	if p, ok := bracketName(name, "params", "param"); ok {
		return "param:" + strings.ToLower(p)
	}
	if strings.HasPrefix(lower, "response-") && len(lower) > 9 {
		return "param:" + lower
	}
	return ""
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

// decodeForm reads an application/x-www-form-urlencoded body like a query.
func decodeForm(body []byte, in *input) error {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return badRequest("InvalidForm", "the form body is not valid: "+err.Error())
	}
	return decodeQuery(q, in, true)
}
