package service_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/service"
	"github.com/cos-signer/cos-signer/internal/eventtest"
	"github.com/cos-signer/cos-signer/internal/hostiletest"
)

// core is the platform-neutral core itself: service.Serve with the
// Request an adapter would build (header names lower-cased, body as is).
var core = hostiletest.Platform{Name: "core"}

func buildCore(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.Server {
	cfg, err := service.LoadConfig(getenv)
	require.NoError(t, err)
	svc, err := service.New(cfg, opts)
	require.NoError(t, err)
	return func(t testing.TB, r hostiletest.Request) hostiletest.Response {
		h := make(map[string]string, len(r.Header))
		for k, v := range r.Header {
			h[strings.ToLower(k)] = v
		}
		resp := svc.Serve(context.Background(), &service.Request{Method: r.Method, Path: r.Path, Query: r.Query,
			Header: h, Body: r.RawBody(), SourceIP: "203.0.113.9"})
		require.NotNil(t, resp)
		return hostiletest.Response{Status: resp.Status, Header: resp.Header, Body: resp.Body}
	}
}

func TestHostileCore(t *testing.T) { hostiletest.Run(t, core, buildCore) }

// fuzzEventsService is the hostile base environment with anonymous writes,
// so that fuzzed writes reach the key policy.
func fuzzEventsService(t testing.TB) *service.Service {
	env := hostiletest.Environ(hostiletest.AnonWrites)
	cfg, err := service.LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	svc, err := service.New(cfg, hostiletest.Options(nil))
	require.NoError(t, err)
	return svc
}

// eventSeeds are the sample events as fuzz seeds: every events/web request
// and the body of every direct invocation.
func eventSeeds(t testing.TB) (web []eventtest.WebRequest, direct [][]byte) {
	files, err := filepath.Glob(filepath.Join(eventtest.Dir(t), "*", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, ".expect.json") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		switch {
		case filepath.Base(filepath.Dir(f)) == "web":
			w, err := eventtest.ParseWebRequest(b)
			require.NoError(t, err, f)
			web = append(web, w)
		case strings.HasPrefix(filepath.Base(f), "direct-"):
			direct = append(direct, b)
		}
	}
	require.NotEmpty(t, web)
	require.NotEmpty(t, direct)
	return web, direct
}

// headerLines writes headers as "name: value" lines, the fuzz input form.
func headerLines(h map[string]string) string {
	var b strings.Builder
	for k, v := range h {
		b.WriteString(k + ": " + v + "\n")
	}
	return b.String()
}

// FuzzServeEvents: seeded with every events/web request, every direct
// invocation body and the hostile table, no request makes the service
// panic, answer 500 or non-JSON, leak the secret key, or sign a key outside
// the allowed prefixes or holding a dot segment.
func FuzzServeEvents(f *testing.F) {
	web, direct := eventSeeds(f)
	for _, w := range web {
		f.Add(w.Method, w.Path, url.Values(w.QueryValues()).Encode(), headerLines(w.Headers), []byte(w.Body))
	}
	for _, d := range direct {
		f.Add("POST", "/", "", "content-type: application/json\n", d)
	}
	for _, c := range hostiletest.Cases(f) {
		f.Add(c.Request.Method, c.Request.Path, url.Values(c.Request.Query).Encode(), headerLines(c.Request.Header), c.Request.RawBody())
	}
	svc := fuzzEventsService(f)
	f.Fuzz(func(t *testing.T, method, path, rawQuery, headers string, body []byte) {
		q, _ := url.ParseQuery(rawQuery)
		h := map[string]string{}
		for _, line := range strings.Split(headers, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				h[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
		resp := svc.Serve(context.Background(), &service.Request{Method: method, Path: path, Query: q, Header: h, Body: body})
		require.NotNil(t, resp)
		checkFuzzAnswer(t, resp.Status, resp.Body)
	})
}

// FuzzInvokeEvents: the same for direct invocations, seeded with every
// events/*/direct-*.json body and the hostile table's bodies.
func FuzzInvokeEvents(f *testing.F) {
	_, direct := eventSeeds(f)
	for _, d := range direct {
		f.Add(d)
	}
	for _, c := range hostiletest.Cases(f) {
		f.Add(c.Request.RawBody())
	}
	svc := fuzzEventsService(f)
	f.Fuzz(func(t *testing.T, event []byte) {
		out, err := svc.Invoke(context.Background(), event)
		if err != nil {
			var ie *service.InvokeError
			require.ErrorAs(t, err, &ie)
			require.True(t, ie.Status >= 400 && ie.Status < 500 || ie.Status == 503, "status %d for %q: %v", ie.Status, event, err)
			require.NotEmpty(t, ie.Code)
			require.NotContains(t, ie.Message, hostiletest.SecretKey)
			return
		}
		checkFuzzAnswer(t, 200, out)
	})
}

func checkFuzzAnswer(t *testing.T, status int, body []byte) {
	t.Helper()
	require.True(t, status >= 200 && status < 600, "status %d", status)
	require.NotEqual(t, 500, status, "internal error: %s", body)
	require.NotContains(t, string(body), hostiletest.SecretKey)
	if len(body) == 0 {
		return
	}
	var obj map[string]any
	require.NoError(t, json.Unmarshal(body, &obj), "answer is not a JSON object: %q", body)
	if status >= 400 {
		e, _ := obj["error"].(map[string]any)
		require.NotEmpty(t, e["code"], "an error names its code: %s", body)
		return
	}
	answers := []map[string]any{obj}
	if rs, ok := obj["results"].([]any); ok {
		for _, r := range rs {
			if m, ok := r.(map[string]any); ok {
				answers = append(answers, m)
			}
		}
	}
	inside := func(k string) bool { return strings.HasPrefix(k, "uploads/user1/") || strings.HasPrefix(k, "public/") }
	for _, a := range answers {
		k, ok := a["key"].(string)
		switch {
		case !ok:
		case k == "":
			// The bucket itself: only a listing whose signed prefix lies
			// inside (an /auth answer has no URL; its param list must name
			// the prefix, which policy.FuzzBucketListing holds inside).
			if u, ok := a["url"].(string); ok {
				pu, err := url.Parse(u)
				require.NoError(t, err)
				require.True(t, inside(pu.Query().Get("prefix")), "bucket signed with prefix %q: %s", pu.Query().Get("prefix"), u)
			} else {
				auth, _ := a["authorization"].(string)
				require.Regexp(t, `q-url-param-list=[^&]*prefix`, auth, "bucket signed without a prefix")
			}
		default:
			require.True(t, inside(k), "signed key %q is outside the prefixes", k)
			require.False(t, hasDotSegment(k), "signed key %q has a dot segment", k)
		}
	}
}

// hasDotSegment is the test's own oracle: a "." or ".." segment between
// '/' or '\\', before or after percent-decoding (up to three times).
func hasDotSegment(k string) bool {
	for range 4 {
		for _, seg := range strings.FieldsFunc("/"+k+"/", func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == "." || seg == ".." {
				return true
			}
		}
		d, err := url.PathUnescape(k)
		if err != nil || d == k {
			return false
		}
		k = d
	}
	return false
}

func TestHasDotSegment(t *testing.T) {
	for _, k := range []string{"..", "a/../b", "a/./b", "a/.", `a\..\b`, "a/%2e%2e/b", "a/%252e/b", "a%2f..%2fb"} {
		require.True(t, hasDotSegment(k), k)
	}
	for _, k := range []string{"a", "a/b.c", "a/..b/c", "a/...", "public/x%2y"} {
		require.False(t, hasDotSegment(k), k)
	}
}

func buildCoreDirect(t testing.TB, getenv func(string) string, opts service.Options) hostiletest.DirectServer {
	cfg, err := service.LoadConfig(getenv)
	require.NoError(t, err)
	svc, err := service.New(cfg, opts)
	require.NoError(t, err)
	return func(t testing.TB, event []byte) hostiletest.DirectResult {
		out, err := svc.Invoke(context.Background(), event)
		if err != nil {
			var ie *service.InvokeError
			require.ErrorAs(t, err, &ie)
			return hostiletest.DirectResult{Failed: true, Code: ie.Code, Message: ie.Message, Status: ie.Status}
		}
		return hostiletest.DirectResult{Answer: out}
	}
}

func TestHostileCoreDirect(t *testing.T) {
	hostiletest.RunDirect(t, hostiletest.Platform{Name: "core-direct"}, buildCoreDirect)
}
