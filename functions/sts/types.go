package sts

import "strings"

// activePatterns are CAM string_like patterns for the media types that the
// key policy admits only by name (policy.Active: HTML, XML and script
// types), each bare and with parameters.
var activePatterns = func() []string {
	var out []string
	for _, p := range []string{"text/html", "text/xml", "application/xml", "text/xsl", "application/x-shockwave-flash",
		"text/cache-manifest", "*/*+xml", "*/*-xml", "*/xml", "*/*javascript*", "*/*ecmascript*", "*/*jscript*", "*/*html*"} {
		out = append(out, p)
		if !strings.HasSuffix(p, "*") {
			out = append(out, p+";*")
		}
	}
	return out
}()

// TypeLimits turns SIGN_ALLOWED_CONTENT_TYPES entries (lower case: exact
// types, "type/*", "*") into the policy's content-type conditions: the
// allowed patterns (an exact type also with parameters), and, when a
// pattern could admit them, denials of active types not named and of
// lists ("a, b": browsers take the last) and of what is no media type.
func TypeLimits(entries []string) Limits {
	var l Limits
	wild := false
	var named []string
	for _, e := range entries {
		if strings.Contains(e, "*") {
			wild = true
			if e == "*" {
				e = "*/*" // a media type has a subtype
			}
			l.ContentTypes = append(l.ContentTypes, e)
			continue
		}
		l.ContentTypes = append(l.ContentTypes, e, e+";*")
		named = append(named, e, e+";*")
	}
	if len(entries) > 0 {
		l.DenyContentTypes = []string{"*,*", "*/*/*"}
	}
	if wild {
		l.DenyActive = activePatterns
		l.DenyActiveExcept = named
	}
	return l
}
