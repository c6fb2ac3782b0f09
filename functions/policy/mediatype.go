package policy

import (
	"fmt"
	"mime"
	"strings"
)

// ContentTypes is SIGN_ALLOWED_CONTENT_TYPES: exact media types, "type/*"
// patterns, or "*"; empty means any. Active types (see Active) pass only
// when listed by name, never through "type/*" or "*".
type ContentTypes struct {
	exact    []string
	prefixes []string // "image/"
	any      bool
}

// ParseContentTypes reads a comma-separated list of media-type patterns.
func ParseContentTypes(list string) (ContentTypes, error) {
	var c ContentTypes
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		for i := 0; i < len(e); i++ {
			if e[i] >= 0x7f {
				// before lower-casing: Go lower-cases "İmage" to "image"
				return ContentTypes{}, fmt.Errorf("entry %q is not ASCII", e)
			}
		}
		e = strings.ToLower(e)
		if e == "*" || e == "*/*" {
			c.any = true
			continue
		}
		typ, sub, ok := strings.Cut(e, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(typ, "*") || (strings.Contains(sub, "*") && sub != "*") {
			return ContentTypes{}, fmt.Errorf("entry %q is not a media type or a type/* pattern", e)
		}
		if sub == "*" {
			if mt, err := MediaType(typ + "/x"); err != nil || mt != typ+"/x" {
				return ContentTypes{}, fmt.Errorf("entry %q is not a media type or a type/* pattern", e)
			}
			c.prefixes = append(c.prefixes, typ+"/")
			continue
		}
		if mt, err := MediaType(e); err != nil || mt != e {
			return ContentTypes{}, fmt.Errorf("entry %q is not a media type (no parameters, such as image/png)", e)
		}
		c.exact = append(c.exact, e)
	}
	return c, nil
}

// Set says whether any restriction is configured.
func (c ContentTypes) Set() bool { return c.any || len(c.exact) > 0 || len(c.prefixes) > 0 }

// MediaType parses one Content-Type value with mime.ParseMediaType and
// returns its lower-case type/subtype. It refuses what browsers and COS may
// read differently from this check: anything but printable ASCII (Go
// lower-cases "İ" to "i"), a list ("image/png, text/html": browsers take
// the last), and a value without exactly one type/subtype.
func MediaType(v string) (string, error) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return "", fmt.Errorf("content type holds a character that is not printable ASCII")
		}
	}
	if strings.ContainsRune(v, ',') {
		return "", fmt.Errorf("content type holds ',': give one media type, not a list")
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return "", fmt.Errorf("content type is not a media type (type/subtype[; parameter=value]): %v", err)
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" || strings.Contains(sub, "/") || typ == "*" || sub == "*" {
		return "", fmt.Errorf("content type is not a media type (type/subtype)")
	}
	return mt, nil
}

// Active reports whether a media type (lower case) can run script or
// markup in a browser when served from the bucket's domain: HTML, XHTML,
// SVG and any other XML type, and JavaScript or ECMAScript under any name.
func Active(mt string) bool {
	switch mt {
	case "text/html", "text/xml", "application/xml", "text/xsl", "application/x-shockwave-flash", "text/cache-manifest":
		return true
	}
	_, sub, _ := strings.Cut(mt, "/")
	return strings.HasSuffix(sub, "+xml") || strings.HasSuffix(sub, "-xml") || sub == "xml" ||
		strings.Contains(sub, "javascript") || strings.Contains(sub, "ecmascript") || strings.Contains(sub, "jscript") ||
		strings.Contains(sub, "html")
}

// Check parses a Content-Type value (see MediaType) and says whether the
// allow-list admits it: an exact entry admits its type, a "type/*" pattern
// or "*" any type of that kind that is not Active. With no list, any media
// type is admitted.
func (c ContentTypes) Check(v string) (mediaType string, allowed bool, err error) {
	mt, err := MediaType(v)
	if err != nil {
		return "", false, err
	}
	if !c.Set() {
		return mt, true, nil
	}
	for _, e := range c.exact {
		if mt == e {
			return mt, true, nil
		}
	}
	if Active(mt) {
		return mt, false, nil
	}
	if c.any {
		return mt, true, nil
	}
	for _, p := range c.prefixes {
		if strings.HasPrefix(mt, p) {
			return mt, true, nil
		}
	}
	return mt, false, nil
}

// Allows is Check's verdict alone: a value that does not parse is refused.
func (c ContentTypes) Allows(v string) bool {
	_, ok, err := c.Check(v)
	return err == nil && ok
}

// Single returns the one media type a POST policy may bind without the
// caller naming one: when the list is exactly one media type. A pattern
// ("image/*") cannot be bound as it is: COS's starts-with condition would
// admit "image/png, text/html" and "image/svg+xml", which the list refuses.
func (c ContentTypes) Single() (string, bool) {
	if c.any || len(c.prefixes) > 0 || len(c.exact) != 1 {
		return "", false
	}
	return c.exact[0], true
}

// Patterns lists the configured entries (lower case): exact media types,
// "type/*" patterns and "*", for the /sts CAM conditions.
func (c ContentTypes) Patterns() []string {
	out := append([]string(nil), c.exact...)
	for _, p := range c.prefixes {
		out = append(out, p+"*")
	}
	if c.any {
		out = append(out, "*")
	}
	return out
}

// String is the list as configured (lower case), for messages.
func (c ContentTypes) String() string { return strings.Join(c.Patterns(), ",") }
