// Package signer computes Tencent Cloud COS XML-API request signatures
// (q-sign-algorithm=sha1), presigned URLs and PostObject policy signatures,
// byte for byte as cos-python-sdk-v5 does, with the project's rules where the
// official SDKs disagree (names differing only in case and caller-supplied
// Host headers are refused; a presigned URL signs the session token).
//
// The package does no I/O, reads no environment and has no clock: the caller
// passes the time window, so every result is reproducible.
package signer

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Credentials sign requests. SessionToken is set for temporary (STS)
// credentials.
type Credentials struct {
	SecretID     string
	SecretKey    string
	SessionToken string
}

// Signer signs requests with one set of credentials for one endpoint. It is
// safe for concurrent use.
type Signer struct {
	id, token string
	idQuery   string  // id as a presigned URL carries it
	key       hmacKey // pads of the secret key; the key itself is not kept
	ep        endpoint
	// lastHost remembers the last bucket's host: a service signs for the
	// same bucket again and again, and deriving the host is a fifth of the
	// work outside hashing.
	lastHost atomic.Pointer[hostEntry]
}

type hostEntry struct{ bucket, region, host string }

// Host is the lower-case host, without port, that requests for bucket are
// signed with; region "" means the configured one.
func (s *Signer) Host(bucket, region string) (string, error) {
	if e := s.lastHost.Load(); e != nil && e.bucket == bucket && e.region == region {
		return e.host, nil
	}
	var buf [128]byte
	h, err := s.ep.appendHost(buf[:0], bucket, region)
	if err != nil {
		return "", err
	}
	e := &hostEntry{bucket: bucket, region: region, host: string(h)}
	s.lastHost.Store(e)
	return e.host, nil
}

// New checks the credentials and the endpoint once, so signing never has to.
func New(c Credentials, e Endpoint) (*Signer, error) {
	if c.SecretID == "" || c.SecretKey == "" {
		return nil, errorf(CodeInvalidCredentials, "secret id and secret key are both required")
	}
	// The id and token travel in headers and URLs; the key never does, but a
	// control byte in it is always a configuration mistake.
	if !printable(c.SecretID) || containsSpace(c.SecretID) {
		return nil, errorf(CodeInvalidCredentials, "secret id holds spaces or control characters")
	}
	if !printable(c.SecretKey) {
		return nil, errorf(CodeInvalidCredentials, "secret key holds control characters")
	}
	if !printable(c.SessionToken) {
		return nil, errorf(CodeInvalidCredentials, "session token holds control characters")
	}
	ep, err := newEndpoint(e)
	if err != nil {
		return nil, err
	}
	return &Signer{id: c.SecretID, idQuery: string(appendQueryEscaped(nil, c.SecretID)),
		key: newHMACKey([]byte(c.SecretKey)), token: c.SessionToken, ep: ep}, nil
}

// SessionToken is the temporary credentials' token, "" for permanent keys.
func (s *Signer) SessionToken() string { return s.token }

// Window is a signature's validity, [Start, End] in Unix seconds. It becomes
// q-sign-time and q-key-time.
type Window struct {
	Start, End int64
}

// SkewAllowance is how long before now a window starts, as cos-python-sdk-v5
// does, so that a client whose clock runs slow is not refused.
const SkewAllowance = 60 * time.Second

// NewWindow is the python SDK's window: [now-60s, now+expires].
func NewWindow(now time.Time, expires time.Duration) (Window, error) {
	if expires < time.Second {
		return Window{}, errorf(CodeInvalidWindow, "expiry must be at least one second, got %v", expires)
	}
	t := now.Unix()
	return Window{Start: t - int64(SkewAllowance/time.Second), End: t + int64(expires/time.Second)}, nil
}

func (w Window) check() error {
	if w.Start < 0 || w.End <= w.Start {
		return errorf(CodeInvalidWindow, "time window [%d, %d] is empty or negative: the end must come after the start", w.Start, w.End)
	}
	return nil
}

// Request is one request to sign: get_auth's and get_presigned_url's
// arguments.
type Request struct {
	// Method is GET, HEAD, PUT, POST, DELETE or OPTIONS, in any letter case.
	Method string
	// Bucket is "name-appid".
	Bucket string
	// Region overrides the signer's region for this request.
	Region string
	// Key is the object key, not URL-encoded. One leading '/' is a separator
	// ("/a.txt" and "a.txt" are the same object); "/" is the bucket itself.
	Key string
	// Headers are signed when the python SDK's filter admits them (host,
	// x-cos-*, x-ci-*, Content-Type, Content-Length, …); others are ignored.
	// A Host header is refused: the host comes from the endpoint.
	Headers map[string]string
	// Params are query parameters; every one is signed.
	Params map[string]string
	// UnsignedHost leaves the host out of the signature (SignHost=False).
	UnsignedHost bool
	Window       Window
}

// Auth is a request signature for the Authorization header.
type Auth struct {
	Authorization string
	// Host is the host the signature is bound to (when signed).
	Host string
	// Headers are the headers the client must send for the signature to hold,
	// host aside: the signed ones among the request's. nil when there are
	// none. With temporary credentials the client also sends the session
	// token (Signer.SessionToken), unsigned.
	Headers map[string]string
	Window  Window
}

// Presigned is a URL that carries its own signature.
type Presigned struct {
	URL    string
	Method string // upper case
	// Headers are the signed headers the client must send with the URL, host
	// aside; nil when there are none.
	Headers map[string]string
	Window  Window
}

// Authorization signs r for an Authorization header (python's get_auth). It
// signs only what r asks: with temporary credentials the client sends the
// session token beside it, unsigned, as a header or (in a URL, as
// cos-js-sdk-v5's getObjectUrl does) a query parameter, as the official SDKs
// do; a signed token header would bind it to one of the two.
func (s *Signer) Authorization(r *Request) (Auth, error) {
	var a Auth
	var err error
	a.Authorization, a.Host, a.Headers, err = s.sign(r, false)
	if err != nil {
		return Auth{}, err
	}
	a.Window = r.Window
	return a, nil
}

// PresignURL returns a URL for r (python's get_presigned_url): the params are
// carried in the URL and signed, the headers are signed and must be sent by
// the client. With temporary credentials the URL carries the session token
// as a signed x-cos-security-token parameter.
func (s *Signer) PresignURL(r *Request) (Presigned, error) {
	url, _, hdrs, err := s.sign(r, true)
	if err != nil {
		return Presigned{}, err
	}
	m, _ := lookupMethod(r.Method)
	return Presigned{URL: url, Method: methods[m].upper, Headers: hdrs, Window: r.Window}, nil
}

// PresignDownloadURL is PresignURL for GET (python's
// get_presigned_download_url); r.Method is ignored. response-* params such as
// response-content-disposition set the download's response headers.
func (s *Signer) PresignDownloadURL(r *Request) (Presigned, error) {
	g := *r
	g.Method = "GET"
	return s.PresignURL(&g)
}

var methods = [...]struct{ upper, lower string }{
	{"GET", "get"}, {"HEAD", "head"}, {"PUT", "put"}, {"POST", "post"}, {"DELETE", "delete"}, {"OPTIONS", "options"},
}

func lookupMethod(m string) (int, bool) {
	for i := range methods {
		if equalFoldASCII(m, methods[i].upper) {
			return i, true
		}
	}
	return 0, false
}

// entry is one signed name=value pair; its encoded forms live in the scratch
// buffer at the given offsets, so that the buffer may grow.
type entry struct {
	name, nameEnd, value, valueEnd int32
	origName, origValue            string
}

const tokenName = "x-cos-security-token"

// authKeys are the query names of a presigned URL's signature: a param with
// one of these names would be read as part of the signature.
var authKeys = [...]string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}

// sign computes the signature of r. For a URL it returns the presigned URL;
// otherwise the Authorization value and the signed host.
func (s *Signer) sign(r *Request, forURL bool) (out, host string, send map[string]string, err error) {
	m, ok := lookupMethod(r.Method)
	if !ok {
		return "", "", nil, errorf(CodeInvalidMethod, "method %s is not supported: use GET, HEAD, PUT, POST, DELETE or OPTIONS", quoteForMessage(r.Method))
	}
	if r.Key == "" {
		return "", "", nil, errorf(CodeInvalidKey, "key is required (use \"/\" for the bucket itself)")
	}
	if !utf8.ValidString(r.Key) {
		return "", "", nil, errorf(CodeInvalidKey, "key is not valid UTF-8")
	}
	if err := r.Window.check(); err != nil {
		return "", "", nil, err
	}
	hostName, err := s.Host(r.Bucket, r.Region)
	if err != nil {
		return "", "", nil, err
	}

	var scratchArr [512]byte
	var hdrArr, prmArr [8]entry
	scratch, hdrs, prms := scratchArr[:0], hdrArr[:0], prmArr[:0]

	if !r.UnsignedHost {
		hdrs = append(hdrs, entry{name: int32(len(scratch))})
		scratch = append(scratch, "host"...)
		hdrs[0].nameEnd, hdrs[0].value = int32(len(scratch)), int32(len(scratch))
		scratch = append(scratch, hostName...) // only [a-z0-9.-]: E(host) is the host
		hdrs[0].valueEnd = int32(len(scratch))
	}
	haveTokenParam := false
	for name, value := range r.Headers { // (ranging over a nil map costs nothing)
		if err := checkHeader(name, value); err != nil {
			return "", "", nil, err
		}
		if !SignsHeader(name) {
			continue
		}
		if equalFoldASCII(name, tokenName) {
			if err := s.checkToken(value, "header"); err != nil {
				return "", "", nil, err
			}
		}
		scratch, hdrs = addEntry(scratch, hdrs, name, value)
		if send == nil {
			send = make(map[string]string, len(r.Headers))
		}
		send[name] = value
	}
	for name, value := range r.Params {
		if err := checkParam(name, value); err != nil {
			return "", "", nil, err
		}
		if equalFoldASCII(name, tokenName) {
			if err := s.checkToken(value, "param"); err != nil {
				return "", "", nil, err
			}
			haveTokenParam = true
		}
		scratch, prms = addEntry(scratch, prms, name, value)
	}
	if s.token != "" && forURL && !haveTokenParam {
		scratch, prms = addEntry(scratch, prms, tokenName, s.token)
	}
	if err := sortEntries(scratch, hdrs, "headers"); err != nil {
		return "", "", nil, err
	}
	if err := sortEntries(scratch, prms, "params"); err != nil {
		return "", "", nil, err
	}

	// HttpString = method \n path \n params \n headers \n. One buffer holds
	// it, then the string to sign, then the result: each is dead when the
	// next is written, and a stack buffer costs its zeroing on every call.
	var work [512]byte
	hs := append(work[:0], methods[m].lower...)
	hs = append(hs, '\n', '/')
	key := r.Key
	if key[0] == '/' {
		key = key[1:]
	}
	hs = append(hs, key...)
	hs = append(hs, '\n')
	hs = appendPairs(hs, scratch, prms)
	hs = append(hs, '\n')
	hs = appendPairs(hs, scratch, hdrs)
	hs = append(hs, '\n')
	var hsHex [40]byte
	sha1Hex(&hsHex, hs)

	// KeyTime, SignKey, StringToSign, Signature.
	var ktArr [42]byte
	kt := appendInt(ktArr[:0], r.Window.Start)
	kt = append(kt, ';')
	kt = appendInt(kt, r.Window.End)
	var signKey [40]byte
	s.key.hexSum(&signKey, kt)
	sts := append(work[:0], "sha1\n"...)
	sts = append(sts, kt...)
	sts = append(sts, '\n')
	sts = append(sts, hsHex[:]...)
	sts = append(sts, '\n')
	var sig [40]byte
	signing := newHMACKey(signKey[:])
	signing.hexSum(&sig, sts)

	o := work[:0]
	if forURL {
		o = append(o, s.ep.scheme...)
		o = append(o, "://"...)
		if s.ep.domainURL != "" {
			o = append(o, s.ep.domainURL...)
		} else {
			o = append(o, hostName...)
		}
		o = appendURLPath(o, r.Key)
		o = append(o, "?q-sign-algorithm=sha1&q-ak="...)
		o = append(o, s.idQuery...)
		// The key time is digits around ';', which a URL carries as %3B.
		for _, name := range [...]string{"&q-sign-time=", "&q-key-time="} {
			o = append(o, name...)
			o = appendInt(o, r.Window.Start)
			o = append(o, "%3B"...)
			o = appendInt(o, r.Window.End)
		}
		o = append(o, "&q-header-list="...)
		o = appendNameList(o, scratch, hdrs)
		o = append(o, "&q-url-param-list="...)
		o = appendNameList(o, scratch, prms)
		o = append(o, "&q-signature="...)
		o = append(o, sig[:]...)
		for _, e := range prms {
			o = append(o, '&')
			o = appendQueryEscaped(o, e.origName)
			o = append(o, '=')
			o = appendQueryEscaped(o, e.origValue)
		}
		return string(o), "", send, nil
	}
	// The Authorization is written straight into a string of its exact size:
	// no zeroing, no copy.
	const fixed = len("q-sign-algorithm=sha1&q-ak=&q-sign-time=&q-key-time=&q-header-list=&q-url-param-list=&q-signature=") + len(sig)
	var b strings.Builder
	b.Grow(fixed + len(s.id) + 2*len(kt) + nameListLen(hdrs) + nameListLen(prms))
	b.WriteString("q-sign-algorithm=sha1&q-ak=")
	b.WriteString(s.id)
	b.WriteString("&q-sign-time=")
	b.Write(kt)
	b.WriteString("&q-key-time=")
	b.Write(kt)
	b.WriteString("&q-header-list=")
	writeNameList(&b, scratch, hdrs)
	b.WriteString("&q-url-param-list=")
	writeNameList(&b, scratch, prms)
	b.WriteString("&q-signature=")
	b.Write(sig[:])
	if !r.UnsignedHost {
		host = hostName
	}
	return b.String(), host, send, nil
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

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

func containsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}
