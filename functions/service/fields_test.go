package service

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFieldsAreDeclaredOnce: every request field is decoded from JSON, a
// query and a form by the one name its tag declares (issue 20, point 3):
// a field that a parameter can hold (a string or scalar, or a map with a
// query tag) is set the same way by {"name": v}, name=v and NAME=v; the
// others are JSON alone, and a form naming them is an UnknownField.
func TestFieldsAreDeclaredOnce(t *testing.T) {
	require.Len(t, fields, reflect.TypeFor[input]().NumField())
	for _, f := range fields {
		var fromJSON input
		switch f.ptr(&fromJSON).(type) {
		case *string, *scalar:
			require.Nil(t, decodeJSON([]byte(`{"`+f.name+`":"v1"}`), &fromJSON), f.name)
			for _, name := range []string{f.name, strings.ToUpper(f.name)} {
				var fromQuery input
				require.Nil(t, decodeQuery(map[string][]string{name: {"v1"}}, &fromQuery, true), name)
				assert.Equal(t, fromJSON, fromQuery, name)
				assert.NotEqual(t, input{}, fromQuery, name)
			}
		case *map[string]scalar:
			require.Nil(t, decodeJSON([]byte(`{"`+f.name+`":{"X-Cos-Meta-A":"v1"}}`), &fromJSON), f.name)
			if f.single == "" {
				assert.Equal(t, "UnknownField", apiErrorOf(decodeQuery(map[string][]string{f.name + "[X-Cos-Meta-A]": {"v1"}}, &input{}, true)).code, f.name)
				continue
			}
			for _, name := range []string{f.name + "[X-Cos-Meta-A]", f.single + ".X-Cos-Meta-A"} {
				var fromQuery input
				require.Nil(t, decodeQuery(map[string][]string{name: {"v1"}}, &fromQuery, true), name)
				assert.Equal(t, fromJSON, fromQuery, name)
			}
		default:
			assert.Equal(t, "UnknownField", apiErrorOf(decodeQuery(map[string][]string{f.name: {"v1"}}, &input{}, true)).code, f.name)
		}
	}
	// A map's whole-name prefix: response-* names are params as they stand.
	var in input
	require.Nil(t, decodeQuery(map[string][]string{"response-content-type": {"text/plain"}}, &in, true))
	assert.Equal(t, map[string]scalar{"response-content-type": str("text/plain")}, in.Params)
}

// TestDuplicateMembersOneDecode: each member's value is decoded once, into
// its field, and the refusals the earlier two-pass decoding made still hold: one
// field in two letter cases with different values, and expired beside
// expires; the same value twice, or null beside a value, is not ambiguous.
func TestDuplicateMembersOneDecode(t *testing.T) {
	for body, code := range map[string]string{
		`{"key":"a","KEY":"b"}`:                      "DuplicateName",
		`{"params":{"a":"1"},"Params":{"a":"2"}}`:    "DuplicateName",
		`{"expired":60,"Expires":"61"}`:              "DuplicateName",
		`{"key":"a","KEY":"a"}`:                      "",
		`{"expired":null,"expires":"61"}`:            "",
		`{"key":"a","bucket":5}`:                     "InvalidField",
		`{"Key":"a","SystemClockOffset":0,"Foo":{}}`: "",
		`{"key":"a","Foo":1}`:                        "UnknownField",
		`{"key":"a"} {}`:                             "InvalidJSON",
	} {
		in := input{Expired: str("120")}
		err := decodeJSON([]byte(body), &in)
		if code == "" {
			assert.NoError(t, err, body)
			continue
		}
		assert.Equal(t, code, apiErrorOf(err).code, body)
	}
	// null leaves the default; expires replaces the default's expired.
	in := input{Expired: str("120")}
	require.NoError(t, decodeJSON([]byte(`{"expired":null,"expires":"61"}`), &in))
	assert.Equal(t, input{Expires: str("61")}, in)
}
