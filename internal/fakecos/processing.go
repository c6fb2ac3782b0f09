package fakecos

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The headers a GET or HEAD carrying Cloud Infinite processing is answered
// with: the processing (a pipeline as its param name, or
// "ci-process=<value>"), and "true" when the signature covered it.
const (
	ProcessingHeader       = "X-Fakecos-Processing"
	ProcessingSignedHeader = "X-Fakecos-Processing-Signed"
)

// processingOf finds processing in a request's query as COS does: a
// parameter whose name is a pipeline (it holds '/' or '|', or is imageInfo
// or exif), or ci-process. signed says whether q-url-param-list names it.
func processingOf(r *http.Request, q url.Values) (processing string, signed bool) {
	list := q.Get("q-url-param-list")
	if h := r.Header.Get("Authorization"); h != "" {
		list = parseAuth(h)["q-url-param-list"]
	}
	names := splitList(list)
	for name, vs := range q {
		switch {
		case strings.EqualFold(name, "ci-process") && len(vs) > 0:
			return "ci-process=" + vs[0], slices.Contains(names, encName(name))
		case strings.HasPrefix(name, "q-") || strings.HasPrefix(strings.ToLower(name), "response-"):
		case strings.ContainsAny(name, "/|"), strings.EqualFold(name, "imageInfo"), strings.EqualFold(name, "exif"):
			return name, slices.Contains(names, encName(name))
		}
	}
	return "", false
}
