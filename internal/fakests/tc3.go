package fakests

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Authorization is a parsed TC3-HMAC-SHA256 Authorization header.
type Authorization struct {
	SecretID, Date, Service, SignedHeaders, Signature string
}

// ParseAuthorization reads "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
// SignedHeaders=<a;b>, Signature=<hex>".
func ParseAuthorization(h string) (Authorization, bool) {
	rest, ok := strings.CutPrefix(h, "TC3-HMAC-SHA256 ")
	if !ok {
		return Authorization{}, false
	}
	var a Authorization
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 4 || f[3] != "tc3_request" {
				return Authorization{}, false
			}
			a.SecretID, a.Date, a.Service = f[0], f[1], f[2]
		case "SignedHeaders":
			a.SignedHeaders = v
		case "Signature":
			a.Signature = v
		}
	}
	return a, a.SecretID != "" && a.SignedHeaders != "" && a.Signature != ""
}

// CanonicalRequest is TC3's step 1: method, URI, query, the signed headers
// as "name:value\n" (lower case, trimmed, in the order given), their names,
// and the body's SHA-256.
func CanonicalRequest(method, uri, query string, headers [][2]string, body []byte) string {
	var ch, names []string
	for _, h := range headers {
		ch = append(ch, strings.ToLower(h[0])+":"+strings.ToLower(strings.TrimSpace(h[1]))+"\n")
		names = append(names, strings.ToLower(h[0]))
	}
	sum := sha256.Sum256(body)
	return method + "\n" + uri + "\n" + query + "\n" + strings.Join(ch, "") + "\n" + strings.Join(names, ";") + "\n" + hex.EncodeToString(sum[:])
}

// Signature is TC3's steps 2 and 3: the string to sign over the canonical
// request, and its HMAC under the key derived from the secret, date and
// service.
func Signature(secretKey, date, service string, timestamp int64, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	sts := "TC3-HMAC-SHA256\n" + strconv.FormatInt(timestamp, 10) + "\n" + date + "/" + service + "/tc3_request\n" + hex.EncodeToString(sum[:])
	k := mac([]byte("TC3"+secretKey), date)
	k = mac(k, service)
	k = mac(k, "tc3_request")
	return hex.EncodeToString(mac(k, sts))
}

func mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
