package signer

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// entry is one signed name=value pair; its encoded forms live in the scratch
// buffer at the given offsets, so that the buffer may grow.
type entry struct {
	name, nameEnd, value, valueEnd int32
	origName, origValue            string
}

// pairs are a request's signed headers and params: the encoded names and
// values live in scratch, each list sorted by encoded name.
type pairs struct {
	scratch    []byte
	hdrs, prms []entry
}

// authKeys are the query names of a presigned URL's signature: a param with
// one of these names would be read as part of the signature.
var authKeys = [...]string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}

// headerPairs checks every header and encodes the signed ones (the host
// first, unless r leaves it out) into scratch and hdrs, sorted; send holds
// the signed headers the client must send, nil when there are none.
func (s *Signer) headerPairs(scratch []byte, hdrs []entry, r *Request, host string) (_ []byte, _ []entry, send map[string]string, err error) {
	if !r.UnsignedHost {
		// host is only [a-z0-9.-]: E(host) is the host.
		hdrs = append(hdrs, entry{name: int32(len(scratch)), nameEnd: int32(len(scratch) + 4), value: int32(len(scratch) + 4)})
		scratch = append(scratch, "host"...)
		scratch = append(scratch, host...)
		hdrs[0].valueEnd = int32(len(scratch))
	}
	for name, value := range r.Headers { // (ranging over a nil map costs nothing)
		if err := checkHeader(name, value); err != nil {
			return nil, nil, nil, err
		}
		if !SignsHeader(name) {
			continue
		}
		if equalFoldASCII(name, tokenName) {
			if err := s.checkToken(value, "header"); err != nil {
				return nil, nil, nil, err
			}
		}
		scratch, hdrs = addEntry(scratch, hdrs, name, value)
		if send == nil {
			send = make(map[string]string, len(r.Headers))
		}
		send[name] = value
	}
	if err := sortEntries(scratch, hdrs, "headers"); err != nil {
		return nil, nil, nil, err
	}
	return scratch, hdrs, send, nil
}

// paramPairs checks and encodes the params into scratch and prms, sorted;
// a URL with temporary credentials signs the session token as a param.
func (s *Signer) paramPairs(scratch []byte, prms []entry, params map[string]string, forURL bool) ([]byte, []entry, error) {
	haveToken := false
	for name, value := range params {
		if err := checkParam(name, value); err != nil {
			return nil, nil, err
		}
		if equalFoldASCII(name, tokenName) {
			if err := s.checkToken(value, "param"); err != nil {
				return nil, nil, err
			}
			haveToken = true
		}
		scratch, prms = addEntry(scratch, prms, name, value)
	}
	if s.token != "" && forURL && !haveToken {
		scratch, prms = addEntry(scratch, prms, tokenName, s.token)
	}
	if err := sortEntries(scratch, prms, "params"); err != nil {
		return nil, nil, err
	}
	return scratch, prms, nil
}

func nameListLen(es []entry) int {
	n := 0
	for i, e := range es {
		if i > 0 {
			n++
		}
		n += int(e.nameEnd - e.name)
	}
	return n
}

func writeNameList(b *strings.Builder, scratch []byte, es []entry) {
	for i, e := range es {
		if i > 0 {
			b.WriteByte(';')
		}
		b.Write(scratch[e.name:e.nameEnd])
	}
}

func addEntry(scratch []byte, es []entry, name, value string) ([]byte, []entry) {
	e := entry{origName: name, origValue: value, name: int32(len(scratch))}
	scratch = appendEscapedLower(scratch, name)
	e.nameEnd, e.value = int32(len(scratch)), int32(len(scratch))
	scratch = appendEscaped(scratch, value)
	e.valueEnd = int32(len(scratch))
	return scratch, append(es, e)
}

// sortEntries orders pairs by encoded, lower-cased name, and refuses two
// names that encode alike: they differ only in letter case, and the SDKs
// disagree on what such a request means.
func sortEntries(scratch []byte, es []entry, what string) error {
	name := func(e *entry) string { return string(scratch[e.name:e.nameEnd]) }
	if len(es) <= 12 {
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && name(&es[j]) < name(&es[j-1]); j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
	} else {
		slices.SortFunc(es, func(a, b entry) int {
			x, y := name(&a), name(&b)
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
	}
	for i := 1; i < len(es); i++ {
		if name(&es[i]) == name(&es[i-1]) {
			return errorf(CodeDuplicateName, "%s %s and %s differ only in letter case: send one of them", what, quoteForMessage(es[i-1].origName), quoteForMessage(es[i].origName))
		}
	}
	return nil
}

func appendPairs(dst, scratch []byte, es []entry) []byte {
	for i, e := range es {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, scratch[e.name:e.nameEnd]...)
		dst = append(dst, '=')
		dst = append(dst, scratch[e.value:e.valueEnd]...)
	}
	return dst
}

// appendNameList writes a q-*-list for a URL: the encoded names joined with
// ';', query-escaped again.
func appendNameList(dst, scratch []byte, es []entry) []byte {
	for i, e := range es {
		if i > 0 {
			dst = append(dst, "%3B"...)
		}
		dst = appendQueryEscaped(dst, string(scratch[e.name:e.nameEnd]))
	}
	return dst
}

func (s *Signer) checkToken(v, where string) error {
	if s.token != "" && v != s.token {
		return errorf(CodeInvalidCredentials, "x-cos-security-token %s does not match the service's session token: leave it out, the service supplies it", where)
	}
	return nil
}

// signedHeaders is cos-python-sdk-v5's filter_headers list, host aside.
var signedHeaders = [...]string{
	"cache-control", "content-disposition", "content-encoding", "content-length", "content-md5",
	"content-type", "expect", "expires", "if-match", "if-modified-since", "if-none-match",
	"if-unmodified-since", "origin", "range", "transfer-encoding", "pic-operations",
}

// SignsHeader tells whether a header of this name is signed (host aside): the
// python SDK's filter. Other headers are passed through unsigned, so a policy
// on what may be signed needs to look only at these.
func SignsHeader(name string) bool {
	if hasPrefixFold(name, "x-cos-") || hasPrefixFold(name, "x-ci-") {
		return true
	}
	for _, h := range signedHeaders {
		if equalFoldASCII(name, h) {
			return true
		}
	}
	return false
}

func checkHeader(name, value string) error {
	if equalFoldASCII(name, "host") {
		return errorf(CodeHostHeader, "a Host header is not accepted: the host comes from the bucket, region, endpoint or domain")
	}
	if name == "" {
		return errorf(CodeInvalidHeader, "a header name is empty")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f || c == ':' {
			return errorf(CodeInvalidHeader, "header name %s holds a space, ':' or a control character", quoteForMessage(name))
		}
	}
	if !utf8.ValidString(name) {
		return errorf(CodeInvalidHeader, "header name %s is not valid UTF-8", quoteForMessage(name))
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return errorf(CodeInvalidHeader, "header %s has a control character (such as CR or LF) in its value", quoteForMessage(name))
		}
	}
	if !utf8.ValidString(value) {
		return errorf(CodeInvalidHeader, "header %s has a value that is not valid UTF-8", quoteForMessage(name))
	}
	return nil
}

func checkParam(name, value string) error {
	if name == "" {
		return errorf(CodeInvalidParam, "a param name is empty")
	}
	if !utf8.ValidString(name) || !utf8.ValidString(value) {
		return errorf(CodeInvalidParam, "param %s is not valid UTF-8", quoteForMessage(name))
	}
	for _, k := range authKeys {
		if equalFoldASCII(name, k) {
			return errorf(CodeInvalidParam, "param %s is reserved for the signature itself", quoteForMessage(name))
		}
	}
	return nil
}
