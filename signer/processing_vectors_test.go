package signer

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/cos-processing-vectors.json is the shared vectors file of
// presigned GETs carrying Cloud Infinite processing, computed by five
// official SDK runs (python, node 3.0.0 and 2.15.4, js, go) that agree on
// every Authorization. A processing string is one param name with an
// empty value, signed like any param.
func TestProcessingVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/cos-processing-vectors.json")
	require.NoError(t, err)
	var f struct {
		Vectors []struct {
			ID    string `json:"id"`
			Input struct {
				vectorInput
				Expired int64 `json:"expired"`
			} `json:"input"`
			Canonical struct {
				URLParamList string `json:"urlParamList"`
			} `json:"canonical"`
			Expected struct {
				Authorization string            `json:"authorization"`
				URLs          map[string]string `json:"urls"`
			} `json:"expected"`
		} `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(b, &f))
	require.Len(t, f.Vectors, 13)
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			in := v.Input
			s, err := New(Credentials{SecretID: in.SecretID, SecretKey: in.SecretKey}, Endpoint{Region: in.Region})
			require.NoError(t, err)
			r := &Request{Method: in.Method, Bucket: in.Bucket, Key: in.Key, Params: in.Params,
				Window: Window{Start: in.StartTime, End: in.StartTime + in.Expired}}
			a, err := s.Authorization(r)
			require.NoError(t, err)
			assert.Equal(t, v.Expected.Authorization, a.Authorization)
			p, err := s.PresignDownloadURL(r)
			require.NoError(t, err)
			// Python's URL, its raw pairs in any order (python keeps the
			// params' insertion order, which a Go map does not have).
			want, _, _ := strings.Cut(v.Expected.URLs["python"], "?")
			got, _, _ := strings.Cut(p.URL, "?")
			assert.Equal(t, want, got)
			assert.Equal(t, rawPairs(t, v.Expected.URLs["python"]), rawPairs(t, p.URL))
		})
	}
}
