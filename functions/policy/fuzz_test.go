package policy

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora run in every `go test`; `make fuzz` explores further.

// noDotSegments: no "." or ".." segment, even after percent-decoding.
func noDotSegments(t *testing.T, key string) {
	t.Helper()
	for round, k := 0, key; round < 5; round++ {
		for _, seg := range strings.FieldsFunc(k, func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == "." || seg == ".." {
				t.Fatalf("%q holds a dot segment (decoded %d times: %q)", key, round, k)
			}
		}
		next, changed := percentDecode(k)
		if !changed {
			break
		}
		k = next
	}
}

func FuzzNormalizeKey(f *testing.F) {
	for _, s := range []string{"a.txt", "/a", "uploads/user1/../x", "a/%2e%2E/b", "a%252e%252e", "a\\..\\b", "a//b", "", "/", "中文/x", "a/.%2e", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		key, err := NormalizeKey(raw)
		if err != nil {
			return
		}
		if key == "" {
			if raw != "" && raw != "/" {
				t.Fatalf("%q normalised to the bucket", raw)
			}
			return
		}
		if len(key) > MaxKeyBytes || !utf8.ValidString(key) || strings.HasPrefix(key, "/") || strings.Contains(key, "//") {
			t.Fatalf("%q accepted as %q", raw, key)
		}
		for _, r := range key {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				t.Fatalf("%q holds a control character", key)
			}
		}
		noDotSegments(t, key)
		if again, err := NormalizeKey(key); err != nil || again != key {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", raw, key, again, err)
		}
	})
}

// fuzzRules is a production-like SIGN_KEY_PREFIXES.
func fuzzRules(t testing.TB) Rules {
	var rs Rules
	for _, e := range []string{"users/{sub}/", "public/=GET|HEAD"} {
		r, err := ParseRule(e)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	return rs
}

// inside says whether a normalised key lies in what fuzzRules grant sub for
// method, by a rule written independently of Prefix.Admits.
func inside(key, sub, method string) bool {
	if ValidIdentity(sub) && strings.HasPrefix(key, "users/"+sub+"/") {
		return true
	}
	return strings.HasPrefix(key, "public/") && (method == "GET" || method == "HEAD")
}

func FuzzRulesCheck(f *testing.F) {
	for _, s := range [][3]string{
		{"users/alice/a.jpg", "alice", "PUT"}, {"users/alice2/a", "alice", "GET"}, {"users/alice", "alice", "GET"},
		{"public/a", "", "DELETE"}, {"users//a", "", "GET"}, {"users/a/b/c", "a/b", "PUT"}, {"users/../x", "..", "GET"},
		{"users/al%2fice/x", "al%2fice", "GET"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	rs := fuzzRules(f)
	f.Fuzz(func(t *testing.T, raw, sub, method string) {
		key, err := NormalizeKey(raw)
		if err != nil || key == "" {
			return
		}
		got := rs.Check(key, sub, method) == KeyAllowed
		if got != inside(key, sub, method) {
			t.Fatalf("Check(%q, %q, %q) = %v", key, sub, method, got)
		}
	})
}

func FuzzBucketListing(f *testing.F) {
	f.Add("users/alice/", "alice", true, "/", "users/alice/a", "10")
	f.Add("users/alice", "alice", true, "", "", "")
	f.Add("users/alice/../bob/", "alice", false, "/", "", "1000")
	f.Add("users/alice/%2e%2e/", "alice", true, "", "users/bob/", "")
	f.Add("public/", "", false, "/", "", "")
	rs := fuzzRules(f)
	f.Fuzz(func(t *testing.T, prefix, sub string, uploads bool, delimiter, marker, max string) {
		params := map[string]string{"prefix": prefix}
		markerName, maxName := "marker", "max-keys"
		if uploads {
			params["uploads"] = ""
			markerName, maxName = "key-marker", "max-uploads"
		}
		if delimiter != "" {
			params["delimiter"] = delimiter
		}
		if marker != "" {
			params[markerName] = marker
		}
		if max != "" {
			params[maxName] = max
		}
		kind, p, err := BucketListing("GET", params)
		if err != nil || kind == NotListing {
			return
		}
		n, err := ListingPrefix(p)
		if err != nil {
			return
		}
		if rs.Check(n, sub, "GET") == KeyAllowed && !inside(n, sub, "GET") {
			t.Fatalf("listing prefix %q admitted for %q", n, sub)
		}
	})
}

func FuzzContentTypes(f *testing.F) {
	for _, s := range []string{"image/png", "image/png, text/html", "İmage/png", "image/svg+xml", "IMAGE/JPEG; q=1", "image/png;a=\"b,c\"", "image/png\t", "image/ png"} {
		f.Add(s)
	}
	img, err := ParseContentTypes("image/*,application/pdf")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !img.Allows(v) {
			return
		}
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x7f || v[i] == ',' {
				t.Fatalf("%q admitted", v)
			}
		}
		mt, _, _ := mime.ParseMediaType(v) // "" fails the check below
		if (!strings.HasPrefix(mt, "image/") && mt != "application/pdf") || Active(mt) {
			t.Fatalf("%q admitted as %q", v, mt)
		}
	})
}

func FuzzCopySource(f *testing.F) {
	for _, s := range []string{"h/users/alice/a.jpg", "/users/alice/x", "h/users/alice/%2e%2e/bob", "h/a%252e%252e", "h//x", "h/k?versionId=1"} {
		f.Add(s, "alice")
	}
	rs := fuzzRules(f)
	f.Fuzz(func(t *testing.T, v, sub string) {
		cs, err := ParseCopySource(v)
		if err != nil {
			return
		}
		if again, err := NormalizeKey(cs.Key); err != nil || again != cs.Key || cs.Key == "" {
			t.Fatalf("%q gave key %q", v, cs.Key)
		}
		noDotSegments(t, cs.Key)
		if rs.Check(cs.Key, sub, "GET") == KeyAllowed && !inside(cs.Key, sub, "GET") {
			t.Fatalf("copy source %q admitted for %q", v, sub)
		}
	})
}
