// Package policy holds the signing service's pure policy rules: object-key
// normalisation and checks, key prefixes with {sub}, allowed header and param
// names, content types and extensions, and server-chosen keys. It reads no
// environment and does no I/O, so every rule is tested on its own.
package policy

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// MaxKeyBytes is the longest key accepted (COS's own limit is 850 bytes of
// UTF-8).
const MaxKeyBytes = 850

// KeyError says why a key was refused; Reason is a sentence for the caller.
type KeyError struct{ Reason string }

func (e *KeyError) Error() string { return e.Reason }

func keyErr(reason string) error { return &KeyError{Reason: reason} }

// NormalizeKey returns the key the signature will cover, without the one
// leading '/' that is only a separator, and refuses what the key policy
// never lets through: invalid UTF-8, control characters, keys over
// MaxKeyBytes, empty segments (a//b), and "." or ".." segments, also when
// percent-encoded (%2e%2e, .%2E, %252e…) or joined with an encoded slash.
// The bucket itself ("" or "/") comes back as "" with no error: whether it
// may be signed is the caller's decision. One trailing '/' (a folder
// marker) is accepted.
func NormalizeKey(key string) (string, error) {
	if len(key) > 0 && key[0] == '/' {
		key = key[1:]
	}
	if key == "" {
		return "", nil
	}
	if len(key) > MaxKeyBytes {
		return "", keyErr("key is longer than 850 bytes")
	}
	if !utf8.ValidString(key) {
		return "", keyErr("key is not valid UTF-8")
	}
	hasPercent := false
	for i, r := range key {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return "", keyErr("key holds a control character")
		}
		switch r {
		case '%':
			hasPercent = true
		case '/':
			if i == 0 {
				return "", keyErr("key starts with more than one '/'")
			}
			if key[i-1] == '/' {
				return "", keyErr("key has an empty segment (\"//\")")
			}
		}
	}
	if err := checkDotSegments(key); err != nil {
		return "", err
	}
	if hasPercent {
		// A key holding %2e or %2F is signed literally, but a proxy or client
		// that decodes it would see another path: refuse anything that
		// decodes (once or repeatedly) to a dot segment.
		dec := key
		for round := 0; round < 4 && strings.IndexByte(dec, '%') >= 0; round++ {
			next, changed := percentDecode(dec)
			if !changed {
				break
			}
			dec = next
			if err := checkDotSegments(dec); err != nil {
				return "", keyErr("key holds a \".\" or \"..\" segment once percent-decoded")
			}
		}
	}
	return key, nil
}

// checkDotSegments refuses "." and ".." segments; '\\' counts as a separator
// too, since some clients and proxies treat it as one.
func checkDotSegments(key string) error {
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == '/' || key[i] == '\\' {
			seg := key[start:i]
			if seg == "." || seg == ".." {
				return keyErr("key holds a \".\" or \"..\" segment")
			}
			start = i + 1
		}
	}
	return nil
}

// percentDecode decodes %XX escapes, leaving malformed ones as they are.
func percentDecode(s string) (string, bool) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			if b == nil {
				b = make([]byte, 0, len(s))
				b = append(b, s[:i]...)
			}
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		if b != nil {
			b = append(b, s[i])
		}
	}
	if b == nil {
		return s, false
	}
	return string(b), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// RandomID is 128 random bits from crypto/rand as 32 hex digits: the name
// part of a server-chosen key.
func RandomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// NormalizeExt turns ".JPG", "jpg" or "Jpg" into "jpg" and refuses anything
// but 1–16 ASCII letters and digits, so that an extension can never change
// the key's path.
func NormalizeExt(ext string) (string, bool) {
	ext = strings.TrimPrefix(ext, ".")
	if ext == "" || len(ext) > 16 {
		return "", false
	}
	b := make([]byte, len(ext))
	for i := 0; i < len(ext); i++ {
		c := ext[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			return "", false
		}
		b[i] = c
	}
	return string(b), true
}

// ExtOf is the extension of a file name or key ("" when it has none): what
// follows the last '.' of the last segment.
func ExtOf(name string) string {
	if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
		name = name[i+1:]
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return name[i+1:]
}
