package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/eventtest"
)

// sameRequests requires toRequest (fast pass, encoding/json fallback) and
// the encoding/json reference to give the same service.Request or the same
// error.
func sameRequests(t *testing.T, raw []byte) {
	t.Helper()
	ctx := scfContext("fast")
	want, wantErr := referenceToRequest(ctx, raw)
	got, gotErr := toRequest(ctx, raw)
	if wantErr != nil {
		require.Error(t, gotErr, "%q", raw)
		require.Equal(t, wantErr.Error(), gotErr.Error(), "%q", raw)
		return
	}
	require.NoError(t, gotErr, "%q", raw)
	require.Equal(t, want, got, "%q", raw)
}

func fastSeeds(t testing.TB) [][]byte {
	seeds := scfSeeds(t)
	for _, s := range []string{
		`{"httpMethod":"GET","queryString":{"a":true,"b":false,"c":"x","d":["1","2"],"e":[]}}`,
		`{"httpMethod":"GET","queryString":{"a":"x","a":[]}}`, `{"httpMethod":"GET","queryString":{"a":[],"a":"x"}}`,
		`{"httpMethod":"GET","queryString":{"a":[1]}}`, `{"httpMethod":"GET","queryString":{"a":null}}`,
		`{"httpMethod":"GET","queryString":{"a":["x",null]}}`, `{"httpMethod":"GET","queryString":null}`,
		`{"httpMethod":"GET","queryString":{"\u0061":"x"}}`, `{"httpMethod":"GET","queryString":{"a":"\ud800"}}`,
		`{"httpMethod":"GET","queryString":[]}`, `{"httpMethod":"GET","queryString":"a=1"}`,
		`{"httpMethod":"GET","headers":{"A":"1","a":"2"},"Headers":{}}`, `{"httpMethod":"GET","HTTPMETHOD":"POST"}`,
		`{"httpMethod":"GET","requestContext":{"sourceIp":"1.2.3.4","identity":{"secretId":5}}}`,
		`{"httpMethod":"GET","requestContext":{"identity":{"secretId":null}},"pathParameters":{"a":[{}]}}`,
		`{"httpMethod":"GET","stageVariables":[],"isBase64Encoded":"true"}`, `{"httpMethod":"GET","body":"\u00e9\n"}`,
		`{"httpMethod":"GET","path":"/a","path":"/b"}`, `{"httpMethod":"GET","requestContext":null}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func TestFastEventMatchesEncodingJSON(t *testing.T) {
	for _, raw := range fastSeeds(t) {
		sameRequests(t, raw)
	}
}

// FuzzFastEvent is the differential fuzz target of the fast event reader:
// whatever the bytes, toRequest gives the service.Request (or the error)
// encoding/json's decoding of Event gives.
func FuzzFastEvent(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) { sameRequests(t, raw) })
}

// FuzzFastEventMembers splices fuzzed members into sample events (at the
// top, in requestContext and in queryString), so that the fuzzer explores
// names and values of well-formed events rather than mostly broken JSON.
func FuzzFastEventMembers(f *testing.F) {
	bases := []string{"apigw-presign.json", "apigw-download-multi-query.json", "url-presign.json", "apigw-auth.json"}
	f.Add(uint8(0), "headers", `{"A":"1"}`, "requestId", `"x"`, "a", `true`)
	f.Add(uint8(1), "queryString", `{"a":["1"]}`, "sourceIp", `1`, "b", `["x","y"]`)
	f.Add(uint8(2), "Path", `"/auth"`, "identity", `{"secretId":"s"}`, "c", `[]`)
	f.Add(uint8(3), "isBase64Encoded", `true`, "requestid", `null`, "d", `"\u00e9"`)
	var events []string
	for _, b := range bases {
		events = append(events, string(mustRead(f, b)))
	}
	f.Fuzz(func(t *testing.T, which uint8, k1, v1, k2, v2, k3, v3 string) {
		ev := events[int(which)%len(events)]
		member := func(k, v string) string { b, _ := json.Marshal(k); return string(b) + ":" + v }
		ev = strings.Replace(ev, "{", "{"+member(k1, v1)+",", 1)
		ev = strings.Replace(ev, `"requestContext": {`, `"requestContext": {`+member(k2, v2)+",", 1)
		ev = strings.Replace(ev, `"queryString": {`, `"queryString": {`+member(k3, v3), 1)
		sameRequests(t, []byte(ev))
	})
}

// TestSampleEventsTakeTheFastPath: every sample HTTP event is read in one
// pass (the fast reader is not silently bypassed).
func TestSampleEventsTakeTheFastPath(t *testing.T) {
	for _, c := range eventtest.Load(t, "scf") {
		if c.Direct() {
			continue
		}
		fr, ok := fastEvent(c.Event, &Event{})
		assert.True(t, ok && fr.http, filepath.Base(c.File))
	}
}

func mustRead(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join(eventtest.Dir(t, "scf"), name))
	require.NoError(t, err)
	return b
}
