package service

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// processingVector is a case of the shared processing vectors
// (signer/testdata/cos-processing-vectors.json, from five official SDK
// runs that agree on every Authorization).
type processingVector struct {
	ID    string `json:"id"`
	Input struct {
		SecretID  string            `json:"secretId"`
		SecretKey string            `json:"secretKey"`
		Bucket    string            `json:"bucket"`
		Region    string            `json:"region"`
		Key       string            `json:"key"`
		Params    map[string]string `json:"params"`
		StartTime int64             `json:"startTime"`
		Expired   int64             `json:"expired"`
	} `json:"input"`
	Expected struct {
		Authorization string            `json:"authorization"`
		URLs          map[string]string `json:"urls"`
	} `json:"expected"`
}

func processingVectors(t *testing.T) []processingVector {
	b, err := os.ReadFile("../../signer/testdata/cos-processing-vectors.json")
	require.NoError(t, err)
	var f struct {
		Vectors []processingVector `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(b, &f))
	require.Len(t, f.Vectors, 13)
	return f.Vectors
}

// sortedPairs are a URL's raw query pairs in order (python keeps its
// params' insertion order, a Go map has none).
func sortedPairs(u string) []string {
	_, q, _ := strings.Cut(u, "?")
	ps := strings.Split(q, "&")
	slices.Sort(ps)
	return ps
}

// Every vector through the service, each way a client can ask for it: the
// SDK's getAuthorization options on /auth, params on /download, and the
// process field on /download and GET /presign. The signatures are the
// SDKs'.
func TestProcessingVectorsThroughTheService(t *testing.T) {
	for _, v := range processingVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			in := v.Input
			cfg, err := LoadConfig(func(k string) string {
				return map[string]string{"COS_SECRET_ID": in.SecretID, "COS_SECRET_KEY": in.SecretKey, "COS_BUCKET": in.Bucket,
					"COS_REGION": in.Region, "SIGN_CI_PROCESSING": "*,info,image-watermark,doc-html,origin"}[k]
			})
			require.NoError(t, err)
			f := newFixtureCfg(t, cfg)
			// The service's window is [now-60, now+expired].
			f.svc.now = func() time.Time { return time.Unix(in.StartTime+60, 0) }
			expired := strconv.FormatInt(in.Expired-60, 10)
			wantURL := v.Expected.URLs["python"]

			a := f.post("/auth", mustJSON(t, map[string]any{"Method": "get", "Key": in.Key, "Query": in.Params, "expired": expired}))
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, v.Expected.Authorization, a.str("authorization"))

			a = f.post("/download", mustJSON(t, map[string]any{"key": in.Key, "params": in.Params, "expired": expired}))
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, sortedPairs(wantURL), sortedPairs(a.str("url")))
			assert.NotEmpty(t, a.obj["families"])

			// The process field: the processing alone, other params beside it.
			process, rest := url.Values{}, map[string]string{}
			pipeline := ""
			for name, val := range in.Params {
				switch {
				case strings.HasPrefix(name, "response-"):
					rest[name] = val
				case strings.ContainsAny(name, "/|") || name == "imageInfo" || name == "exif":
					pipeline = name
				default:
					process.Set(name, val)
				}
			}
			text := pipeline
			if text == "" {
				text = process.Encode()
			}
			a = f.post("/download", mustJSON(t, map[string]any{"key": in.Key, "process": text, "params": rest, "expired": expired}))
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, sortedPairs(wantURL), sortedPairs(a.str("url")))

			q := url.Values{"key": {in.Key}, "process": {text}, "expired": {expired}}
			for name, val := range rest {
				q.Set(name, val)
			}
			a = f.get("/presign", q)
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, sortedPairs(wantURL), sortedPairs(a.str("url")))
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestProcessingByFamily(t *testing.T) {
	thumb := `{"key":"a.jpg","params":{"imageMogr2/thumbnail/200x":""}}`
	cases := []struct {
		name   string
		env    map[string]string
		path   string
		body   string
		status int
		code   string
		msg    []string
	}{
		// The finding: a thumbnail was refused as ParamNotAllowed.
		{"thumbnail by default", nil, "/download", thumb, 200, "", nil},
		{"thumbnail on /auth the SDK way", nil, "/auth", `{"Method":"GET","Key":"a.jpg","Query":{"imageMogr2/thumbnail/200x":""}}`, 200, "", nil},
		{"process field", nil, "/download", `{"key":"a.jpg","process":"imageView2/1/w/200/h/200"}`, 200, "", nil},
		{"switched off", map[string]string{"SIGN_CI_PROCESSING": "none"}, "/download", thumb, 403, "ProcessingNotAllowed", []string{"image", "SIGN_CI_PROCESSING: none"}},
		{"exif is info", nil, "/download", `{"key":"a.jpg","process":"exif"}`, 403, "ProcessingNotAllowed", []string{"family info", "SIGN_CI_PROCESSING: image", "GPS"}},
		// SIGN_ALLOWED_PARAMS=* admitted every processing before; the
		// dangerous families now pass only by name in SIGN_CI_PROCESSING.
		{"* params do not admit originImage", map[string]string{"SIGN_ALLOWED_PARAMS": "*"}, "/download", `{"key":"a.jpg","params":{"ci-process":"originImage"}}`, 403, "ProcessingNotAllowed", []string{"family origin"}},
		{"* families do not admit doc-html", map[string]string{"SIGN_CI_PROCESSING": "*"}, "/download", `{"key":"d.docx","process":"ci-process=doc-preview&dstType=html"}`, 403, "ProcessingNotAllowed", []string{"family doc-html", "script"}},
		{"doc-html by name", map[string]string{"SIGN_CI_PROCESSING": "doc-html"}, "/download", `{"key":"d.docx","process":"ci-process=doc-preview&dstType=html"}`, 200, "", nil},
		{"snapshot through *", map[string]string{"SIGN_CI_PROCESSING": "*"}, "/download", `{"key":"v.mp4","process":"ci-process=snapshot&time=1"}`, 200, "", nil},
		{"a watermark with an image", nil, "/download", `{"key":"a.jpg","process":"imageMogr2/strip|watermark/1/image/aHR0cA"}`, 403, "ProcessingNotAllowed", []string{"image-watermark"}},
		{"ignore-error", nil, "/download", `{"key":"a.jpg","process":"imageMogr2/thumbnail/200x/ignore-error/1"}`, 400, "InvalidProcessing", []string{"ignore-error"}},
		{"ignore-error the SDK way", nil, "/auth", `{"Method":"GET","Key":"a.jpg","Query":{"imageMogr2/ignore-error/1":""}}`, 400, "InvalidProcessing", []string{"ignore-error"}},
		{"pm3u8", map[string]string{"SIGN_CI_PROCESSING": "*"}, "/download", `{"key":"v.m3u8","process":"ci-process=pm3u8&expires=43200"}`, 400, "InvalidProcessing", []string{"12 hours"}},
		{"dstType outside the family", map[string]string{"SIGN_CI_PROCESSING": "*"}, "/download", `{"key":"d.docx","process":"ci-process=doc-preview&dstType=svg"}`, 400, "InvalidProcessing", []string{"dstType"}},
		{"a PUT", map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"}, "/presign", `{"key":"a.jpg","method":"PUT","params":{"imageMogr2/thumbnail/200x":""}}`, 400, "InvalidProcessing", []string{"GET, HEAD", "PUT"}},
		{"process on /auth", nil, "/auth", `{"method":"GET","key":"a.jpg","process":"imageInfo"}`, 400, "InvalidField", []string{"process"}},
		{"process and params twice", nil, "/download", `{"key":"a.jpg","process":"imageInfo","params":{"imageInfo":""}}`, 400, "InvalidProcessing", []string{"once"}},
		{"process in another spelling", nil, "/download", `{"key":"v.mp4","process":"CI-Process=snapshot&time=1"}`, 400, "InvalidProcessing", []string{"ci-process"}},
		{"two processings", nil, "/download", `{"key":"a.jpg","process":"imageMogr2/strip","params":{"imageView2/1/w/2":""}}`, 400, "InvalidProcessing", []string{"one processing"}},
		{"key policy first", map[string]string{"SIGN_KEY_PREFIXES": "public/"}, "/download", thumb, 403, "KeyNotAllowed", nil},
		{"batch entry", nil, "/batch", `{"requests":[{"action":"download","key":"a.jpg","process":"imageMogr2/thumbnail/200x"}]}`, 200, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newFixture(t, c.env).post(c.path, c.body)
			require.Equal(t, c.status, a.status, "%s", a.body)
			assert.Equal(t, c.code, a.code())
			for _, m := range c.msg {
				assert.Contains(t, a.message(), m)
			}
		})
	}

	a := newFixture(t, nil).get("/presign", url.Values{"key": {"a.jpg"}, "process": {"imageMogr2/thumbnail/200x"}})
	require.Equal(t, 200, a.status, "%s", a.body)
	assert.Equal(t, "imageMogr2/thumbnail/200x", a.str("process"))
	assert.Equal(t, []any{"image"}, a.obj["families"])
	assert.Contains(t, a.str("url"), "q-url-param-list=imagemogr2%252fthumbnail%252f200x")
}

const (
	cdnKey  = "dimtm5evg50ijsx2hvuwyfoiu65" // the key of Tencent's worked examples
	catKey  = "photos/2024 夏天/猫.jpg"
	catPath = "/photos/2024%20%E5%A4%8F%E5%A4%A9/%E7%8C%AB.jpg"
)

func cdnEnv(typ string, more ...string) map[string]string {
	env := map[string]string{"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": typ, "CDN_AUTH_KEY": cdnKey, "CDN_AUTH_TTL": "3600"}
	for i := 0; i+1 < len(more); i += 2 {
		env[more[i]] = more[i+1]
	}
	return env
}

// A CDN download of 猫.jpg at testNow (1700000000) with the default
// expiry of 300 s: ts = 1700000300 - 3600 = 1699996700, so the CDN stops
// accepting the URL when the COS URL would have expired. The hashes of B,
// C and D were computed with Python's hashlib over the documented strings
// (TypeB: 202311150518, the minute in UTC+8; TypeC: 6553e41c); TypeA's
// random part differs each time, so its MD5 is computed here from the
// documented string.
func TestCDNDownloadEachType(t *testing.T) {
	cases := []struct {
		typ     string
		want    string
		expires int64
	}{
		{"B", "https://img.example.com/202311150518/bacf061ff0dd9cb776b9ade5d31f69ef" + catPath, 1699996680 + 3600},
		{"C", "https://img.example.com/663f1cf20a8fa1178ecaf098544b4af7/6553e41c" + catPath, 1700000300},
		{"D", "https://img.example.com" + catPath + "?sign=6388b05dbc1ffa7ffd09a4895e053cce&t=1699996700", 1700000300},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			a := newFixture(t, cdnEnv(c.typ)).get("/download", url.Values{"key": {catKey}})
			require.Equal(t, 200, a.status, "%s", a.body)
			assert.Equal(t, c.want, a.str("url"))
			assert.Equal(t, "cdn", a.str("via"))
			assert.Equal(t, c.expires, a.num("expiredTime"))
			assert.Equal(t, testNow.Unix(), a.num("startTime"))
		})
	}
	t.Run("A", func(t *testing.T) {
		a := newFixture(t, cdnEnv("A", "CDN_AUTH_SIGN_PARAM", "auth_key")).get("/download", url.Values{"key": {catKey}})
		require.Equal(t, 200, a.status, "%s", a.body)
		m := regexp.MustCompile(`^https://img\.example\.com(/[^?]+)\?auth_key=1699996700-([A-Za-z0-9]{1,100})-0-([0-9a-f]{32})$`).FindStringSubmatch(a.str("url"))
		require.NotNil(t, m, a.str("url"))
		assert.Equal(t, catPath, m[1])
		sum := md5.Sum([]byte(catPath + "-1699996700-" + m[2] + "-0-" + cdnKey))
		assert.Equal(t, hex.EncodeToString(sum[:]), m[3])
		assert.Equal(t, int64(1700000300), a.num("expiredTime"))
	})
}

func TestCDNDownloadRules(t *testing.T) {
	d := cdnEnv("D")
	cases := []struct {
		name   string
		env    map[string]string
		q      url.Values
		status int
		code   string
		msg    string
	}{
		{"via cos", d, url.Values{"key": {"a.jpg"}, "via": {"cos"}}, 200, "", ""},
		{"key policy first", cdnEnv("D", "SIGN_KEY_PREFIXES", "public/"), url.Values{"key": {"a.jpg"}}, 403, "KeyNotAllowed", ""},
		{"no CDN", nil, url.Values{"key": {"a.jpg"}, "via": {"cdn"}}, 400, "InvalidField", "CDN_DOMAIN"},
		{"via elsewhere", d, url.Values{"key": {"a.jpg"}, "via": {"ftp"}}, 400, "InvalidField", "cdn or cos"},
		{"a param", d, url.Values{"key": {"a.jpg"}, "response-content-disposition": {"attachment"}}, 400, "CDNQueryNotSupported", "CDN_ALLOW_QUERY"},
		{"processing", d, url.Values{"key": {"a.jpg"}, "process": {"imageMogr2/thumbnail/200x"}}, 400, "CDNQueryNotSupported", "TypeD"},
		{"a header", d, url.Values{"key": {"a.jpg"}, "headers[Range]": {"bytes=0-9"}}, 400, "CDNQueryNotSupported", "headers"},
		{"longer than the TTL", cdnEnv("D", "CDN_AUTH_TTL", "600"), url.Values{"key": {"a.jpg"}, "expired": {"601"}}, 400, "InvalidExpired", "CDN_AUTH_TTL"},
		{"another bucket", cdnEnv("D", "COS_ALLOWED_BUCKETS", "other-1250000000"), url.Values{"key": {"a.jpg"}, "bucket": {"other-1250000000"}}, 400, "CDNNotForBucket", "COS_BUCKET"},
		{"partial", map[string]string{"CDN_DOMAIN": "img.example.com"}, url.Values{"key": {"a.jpg"}}, 503, "ServiceNotConfigured", "CDN_AUTH_TYPE, CDN_AUTH_KEY, CDN_AUTH_TTL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newFixture(t, c.env).get("/download", c.q)
			require.Equal(t, c.status, a.status, "%s", a.body)
			assert.Equal(t, c.code, a.code())
			assert.Contains(t, a.message(), c.msg)
			assert.NotContains(t, string(a.body), cdnKey)
		})
	}

	// /presign stays on COS; a via there is refused.
	a := newFixture(t, d).get("/presign", url.Values{"key": {"a.jpg"}, "via": {"cdn"}})
	assert.Equal(t, "InvalidField", a.code())
	a = newFixture(t, d).get("/presign", url.Values{"key": {"a.jpg"}})
	require.Equal(t, 200, a.status, "%s", a.body)
	assert.Contains(t, a.str("url"), ".myqcloud.com/a.jpg?")

	// Opted in, params ride unsigned and the answer says which.
	f := newFixture(t, cdnEnv("D", "CDN_ALLOW_QUERY", "true"))
	a = f.get("/download", url.Values{"key": {"a.jpg"}, "process": {"imageMogr2/thumbnail/200x"}, "response-content-disposition": {"inline; filename=\"a b.jpg\""}})
	require.Equal(t, 200, a.status, "%s", a.body)
	assert.True(t, strings.HasSuffix(a.str("url"), "&imageMogr2/thumbnail/200x&response-content-disposition=inline%3B+filename%3D%22a+b.jpg%22"), a.str("url"))
	assert.Equal(t, []any{"imageMogr2/thumbnail/200x", "response-content-disposition"}, a.obj["unsigned"])
	assert.Equal(t, "imageMogr2/thumbnail/200x", a.str("process"))

	// redirect=1 sends the client to the CDN.
	a = newFixture(t, d).get("/download", url.Values{"key": {catKey}, "redirect": {"1"}})
	require.Equal(t, 302, a.status, "%s", a.body)
	assert.Equal(t, "https://img.example.com"+catPath+"?sign=6388b05dbc1ffa7ffd09a4895e053cce&t=1699996700", a.header["location"]+a.header["Location"])

	// The log says via, never the key or the signature.
	f = newFixture(t, d)
	a = f.get("/download", url.Values{"key": {catKey}})
	require.Equal(t, 200, a.status)
	assert.Contains(t, f.log.String(), `"via":"cdn"`)
	assert.NotContains(t, f.log.String(), cdnKey)
	assert.NotContains(t, f.log.String(), "6388b05dbc1ffa7ffd09a4895e053cce")
}

func TestCDNHealth(t *testing.T) {
	a := newFixture(t, map[string]string{"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": "A", "CDN_AUTH_TTL": "600"}).get("/healthz", nil)
	require.Equal(t, 503, a.status, "%s", a.body)
	assert.Contains(t, a.message(), "CDN_AUTH_KEY")
	assert.NotContains(t, a.message(), "CDN_AUTH_TTL")
	// The routes that do not need the CDN still sign.
	f := newFixture(t, map[string]string{"CDN_DOMAIN": "img.example.com"})
	assert.Equal(t, 200, f.get("/presign", url.Values{"key": {"a.jpg"}}).status)
	assert.Equal(t, 200, f.get("/download", url.Values{"key": {"a.jpg"}, "via": {"cos"}}).status)
	assert.Equal(t, 200, newFixture(t, cdnEnv("C")).get("/healthz", nil).status)
}

func TestCDNConfigErrors(t *testing.T) {
	cases := []struct {
		env map[string]string
		msg string
	}{
		{cdnEnv("E"), "CDN_AUTH_TYPE"},
		{cdnEnv("A", "CDN_AUTH_KEY", "short"), "CDN_AUTH_KEY"},
		{cdnEnv("A", "CDN_AUTH_KEY", "has-a-dash-in-it"), "CDN_AUTH_KEY"},
		{cdnEnv("A", "CDN_AUTH_TTL", "0"), "CDN_AUTH_TTL"},
		{cdnEnv("A", "CDN_AUTH_TTL", "630720001"), "CDN_AUTH_TTL"},
		{cdnEnv("A", "CDN_AUTH_TTL", "120"), "SIGN_DEFAULT_EXPIRED"},
		{cdnEnv("B", "CDN_AUTH_SIGN_PARAM", "s"), "CDN_AUTH_SIGN_PARAM"},
		{cdnEnv("D", "CDN_AUTH_TIME_PARAM", "9t"), "CDN_AUTH_TIME_PARAM"},
		{cdnEnv("A", "CDN_AUTH_TIME_FORMAT", "hex"), "CDN_AUTH_TIME_FORMAT"},
		{cdnEnv("D", "CDN_ALLOW_QUERY", "perhaps"), "CDN_ALLOW_QUERY"},
		{cdnEnv("D", "CDN_DOMAIN", "img.example.com/path"), "CDN_DOMAIN"},
		{map[string]string{"SIGN_CI_PROCESSING": "thumbnails"}, "SIGN_CI_PROCESSING"},
	}
	for _, c := range cases {
		env := baseEnv()
		for k, v := range c.env {
			env[k] = v
		}
		_, err := LoadConfig(func(k string) string { return env[k] })
		require.Error(t, err, c.msg)
		assert.Contains(t, err.Error(), c.msg)
		assert.NotContains(t, err.Error(), cdnKey)
	}
}
