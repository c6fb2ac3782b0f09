package policy

import (
	"fmt"
	"net/url"
	"strings"
)

// SourceMethods are the methods a caller must be allowed at the object a
// source header names (lower-case; nil for any other header): a copy
// (x-cos-copy-source) reads it; a rename (x-cos-rename-source) moves it,
// so it reads and deletes it.
func SourceMethods(header string) []string {
	switch header {
	case "x-cos-copy-source":
		return []string{"GET"}
	case "x-cos-rename-source":
		return []string{"GET", "DELETE"}
	}
	return nil
}

// CopySource is an x-cos-copy-source or x-cos-rename-source value taken
// apart: the source bucket's host ("" for a path in the same bucket) and the
// normalised source key.
type CopySource struct {
	Host, Key string
}

// ParseCopySource reads "<bucket>-<appid>.cos.<region>.myqcloud.com/<key>"
// (the form COS documents for x-cos-copy-source, the key URL-encoded,
// optionally followed by "?versionId=…") or "/<key>" (a path in the same
// bucket, as x-cos-rename-source takes it). The key is decoded once and
// then checked like any key (NormalizeKey), so an encoded ".." or "//"
// never reaches another folder than the one checked.
func ParseCopySource(v string) (CopySource, error) {
	if strings.Contains(v, "://") {
		return CopySource{}, fmt.Errorf("copy source must be host/key or /key, without a scheme")
	}
	path, query, _ := strings.Cut(v, "?")
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil || len(q) != 1 || len(q["versionId"]) != 1 {
			return CopySource{}, fmt.Errorf("copy source may carry only ?versionId=…")
		}
	}
	var cs CopySource
	if rest, ok := strings.CutPrefix(path, "/"); ok {
		path = rest
	} else {
		host, key, found := strings.Cut(path, "/")
		if !found || host == "" {
			return CopySource{}, fmt.Errorf("copy source must be <bucket host>/<key>")
		}
		cs.Host, path = strings.ToLower(host), key
	}
	key, err := url.PathUnescape(path)
	if err != nil {
		return CopySource{}, fmt.Errorf("copy source key is not valid URL encoding")
	}
	n, err := NormalizeKey(key)
	if err != nil {
		return CopySource{}, fmt.Errorf("copy source key: %v", err)
	}
	if n == "" || n != key {
		return CopySource{}, fmt.Errorf("copy source must name one object (no leading '/' in the key)")
	}
	cs.Key = n
	return cs, nil
}
