package signer

// Byte classes for the three encodings COS signing needs. A table lookup per
// byte keeps the hot path free of branches on character ranges.
const (
	unreserved = 1 << iota // A-Z a-z 0-9 - _ . ~ (RFC 3986): kept by every encoding
	pathSafe               // '/' as well: kept in URL paths
)

var class [256]uint8

func init() {
	for c := 'A'; c <= 'Z'; c++ {
		class[c] = unreserved | pathSafe
		class[c+'a'-'A'] = unreserved | pathSafe
	}
	for c := '0'; c <= '9'; c++ {
		class[c] = unreserved | pathSafe
	}
	for _, c := range "-_.~" {
		class[c] = unreserved | pathSafe
	}
	class['/'] = pathSafe
}

const upperHex = "0123456789ABCDEF"
const lowerHex = "0123456789abcdef"

// appendEscaped percent-encodes every byte of s outside A-Za-z0-9-_.~ with
// upper-case hex: the E() of the signature (spec §1).
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if class[c]&unreserved != 0 {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// appendEscapedLower is lower(E(s)): names are lower-cased after encoding, so
// ASCII letters and the hex digits of escapes fold, and non-ASCII letters do not.
func appendEscapedLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if class[c]&unreserved != 0 {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', lowerHex[c>>4], lowerHex[c&15])
		}
	}
	return dst
}

// appendQueryEscaped is python's quote_plus (urlencode): E() but space is '+'.
// It writes presigned-URL query values exactly as cos-python-sdk-v5 does.
// Runs of bytes that need no escaping are copied whole.
func appendQueryEscaped(dst []byte, s string) []byte {
	for len(s) > 0 {
		i := 0
		for i < len(s) && class[s[i]]&unreserved != 0 {
			i++
		}
		dst = append(dst, s[:i]...)
		if i == len(s) {
			break
		}
		if c := s[i]; c == ' ' {
			dst = append(dst, '+')
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
		s = s[i+1:]
	}
	return dst
}

// appendURLPath writes the URL path of a key as cos-python-sdk-v5 does: one
// leading '/' is a separator, everything outside A-Za-z0-9-_.~/ is escaped, and
// "./" becomes ".%2F" so that no HTTP stack can collapse "." or ".." segments.
func appendURLPath(dst []byte, key string) []byte {
	dst = append(dst, '/')
	if len(key) > 0 && key[0] == '/' {
		key = key[1:]
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '/' && i > 0 && key[i-1] == '.':
			dst = append(dst, '%', '2', 'F')
		case class[c]&pathSafe != 0:
			dst = append(dst, c)
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// URLPath is the percent-encoded URL path of a key exactly as presigned
// URLs carry it: what a CDN's URL authentication must hash, since the CDN
// hashes the path as the client sends it.
func URLPath(key string) string { return string(appendURLPath(nil, key)) }
