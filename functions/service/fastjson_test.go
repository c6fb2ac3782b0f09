package service

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeFlatReadsHeaderObjects: a body with a headers, params or query
// object of scalars (what cos-js-sdk-v5's getAuthorization sends) is read
// without encoding/json, into what encoding/json reads.
func TestDecodeFlatReadsHeaderObjects(t *testing.T) {
	for _, body := range []string{
		`{"expired":600,"headers":{"Content-Type":"application/pdf"},"key":"uploads/report.pdf","method":"PUT"}`,
		`{"key":"a","headers":{"a":"1","b":null,"c":2},"headers":{"a":"3"},"params":{"x":true},"query":{}}`,
		`{"key":"a","query":{"q":"1"},"query":null}`,
	} {
		var fast, slow input
		require.True(t, decodeFlat([]byte(body), &fast), body)
		require.NoError(t, json.Unmarshal([]byte(body), &slow))
		assert.Equal(t, slow, fast, body)
	}
	for _, body := range []string{`{"headers":{"a":{}}}`, `{"headers":[]}`, `{"headers":{"\u0061":"1"}}`, `{"headers":{"a":"1",}}`} {
		assert.False(t, decodeFlat([]byte(body), &input{}), "left to encoding/json: %s", body)
	}
}
