package eventjson

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var anySeeds = []string{`{"integrationLatency": 3, "principalId": "user-42", "tenant": "acme"}`, `[1,-2.5e3,"x",true,false,null,{}]`,
	`{"a":{"b":[{"c":"\u00e9"}]},"a":1}`, `{"\u0061":1,"\ud800":2}`, "{\"\xff\":\"\xfe\"}", `1e400`, `"s"`, `null`, `{"n":-0}`}

func TestAnyIsEncodingJSON(t *testing.T) {
	for _, s := range anySeeds {
		var want any
		wantErr := json.Unmarshal([]byte(s), &want)
		got, ok := Any([]byte(s))
		require.Equal(t, wantErr == nil, ok, s)
		if ok {
			assert.Equal(t, want, got, s)
		}
	}
	m, ok := AnyMap(nil)
	assert.True(t, ok)
	assert.Nil(t, m)
}

// FuzzAny: for every valid JSON value, Any is encoding/json's decoding into
// an interface{} (or both fail).
func FuzzAny(f *testing.F) {
	for _, s := range anySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !Valid(b) {
			return
		}
		var want any
		wantErr := json.Unmarshal(b, &want)
		got, ok := Any(b)
		require.Equal(t, wantErr == nil, ok, "%q", b)
		if ok {
			require.Equal(t, want, got, "%q", b)
		}
	})
}
