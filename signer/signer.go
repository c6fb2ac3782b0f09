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
	"strconv"
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

const tokenName = "x-cos-security-token"

// sign computes the signature of r. For a URL it returns the presigned URL;
// otherwise the Authorization value and the signed host. The steps are the
// spec's: check the request, encode and sort its headers and params, hash the
// HttpString, derive the sign key from the key time, sign the StringToSign,
// and write the answer. Every buffer is on the stack: what allocates is the
// answer's string, the map of signed headers the client must send (when
// there are any), and a buffer outgrown (over 8 headers or params, or a URL
// over 512 bytes).
func (s *Signer) sign(r *Request, forURL bool) (out, host string, send map[string]string, err error) {
	m, hostName, err := s.check(r)
	if err != nil {
		return "", "", nil, err
	}
	var scratchArr [512]byte
	var hdrArr, prmArr [8]entry
	scratch, hdrs, send, err := s.headerPairs(scratchArr[:0], hdrArr[:0], r, hostName)
	if err != nil {
		return "", "", nil, err
	}
	scratch, prms, err := s.paramPairs(scratch, prmArr[:0], r.Params, forURL)
	if err != nil {
		return "", "", nil, err
	}
	p := pairs{scratch: scratch, hdrs: hdrs, prms: prms}
	var ktArr [42]byte
	kt := appendKeyTime(ktArr[:0], r.Window, ";")
	// One buffer holds the HttpString, then the string to sign, then a URL:
	// each is dead when the next is written, and a stack buffer costs its
	// zeroing on every call.
	var work [512]byte
	var sig [40]byte
	s.signature(&sig, work[:0], httpString(work[:0], methods[m].lower, r.Key, &p), kt)
	if forURL {
		return string(s.appendPresignedURL(work[:0], r, hostName, &p, &sig)), "", send, nil
	}
	if !r.UnsignedHost {
		host = hostName
	}
	return s.authorization(kt, &p, &sig), host, send, nil
}

// check refuses what cannot be signed: an unknown method, an empty or
// non-UTF-8 key, an empty window, a bucket or region without a host. It
// returns the method's index and the host.
func (s *Signer) check(r *Request) (method int, host string, err error) {
	m, ok := lookupMethod(r.Method)
	if !ok {
		return 0, "", errorf(CodeInvalidMethod, "method %s is not supported: use GET, HEAD, PUT, POST, DELETE or OPTIONS", quoteForMessage(r.Method))
	}
	if r.Key == "" {
		return 0, "", errorf(CodeInvalidKey, "key is required (use \"/\" for the bucket itself)")
	}
	if !utf8.ValidString(r.Key) {
		return 0, "", errorf(CodeInvalidKey, "key is not valid UTF-8")
	}
	if err := r.Window.check(); err != nil {
		return 0, "", err
	}
	host, err = s.Host(r.Bucket, r.Region)
	return m, host, err
}

// httpString is the spec's HttpString, written into dst:
// method \n path \n params \n headers \n.
func httpString(dst []byte, method, key string, p *pairs) []byte {
	dst = append(dst, method...)
	dst = append(dst, '\n', '/')
	if key[0] == '/' {
		key = key[1:]
	}
	dst = append(dst, key...)
	dst = append(dst, '\n')
	dst = appendPairs(dst, p.scratch, p.prms)
	dst = append(dst, '\n')
	dst = appendPairs(dst, p.scratch, p.hdrs)
	return append(dst, '\n')
}

// signature writes HMAC(SignKey, StringToSign) as hex, where SignKey is
// HMAC(SecretKey, KeyTime) and StringToSign is "sha1\n" KeyTime "\n"
// sha1(HttpString) "\n". buf may share hs's memory: hs is hashed before buf
// is written.
func (s *Signer) signature(sig *[40]byte, buf, hs, kt []byte) {
	var hsHex [40]byte
	sha1Hex(&hsHex, hs)
	var signKey [40]byte
	s.key.hexSum(&signKey, kt)
	sts := append(buf, "sha1\n"...)
	sts = append(sts, kt...)
	sts = append(sts, '\n')
	sts = append(sts, hsHex[:]...)
	sts = append(sts, '\n')
	signing := newHMACKey(signKey[:])
	signing.hexSum(sig, sts)
}

// appendKeyTime writes a window as a key time, start sep end: ";" for the
// string to sign, "%3B" in a URL.
func appendKeyTime(dst []byte, w Window, sep string) []byte {
	dst = strconv.AppendInt(dst, w.Start, 10)
	dst = append(dst, sep...)
	return strconv.AppendInt(dst, w.End, 10)
}

// appendPresignedURL writes the URL that carries r's signature: the key's
// path, the q-* parameters, then r's params as the client sends them.
func (s *Signer) appendPresignedURL(o []byte, r *Request, host string, p *pairs, sig *[40]byte) []byte {
	o = append(o, s.ep.scheme...)
	o = append(o, "://"...)
	if s.ep.domainURL != "" {
		o = append(o, s.ep.domainURL...)
	} else {
		o = append(o, host...)
	}
	o = appendURLPath(o, r.Key)
	o = append(o, "?q-sign-algorithm=sha1&q-ak="...)
	o = append(o, s.idQuery...)
	// The key time is digits around ';', which a URL carries as %3B.
	o = append(o, "&q-sign-time="...)
	o = appendKeyTime(o, r.Window, "%3B")
	o = append(o, "&q-key-time="...)
	o = appendKeyTime(o, r.Window, "%3B")
	o = append(o, "&q-header-list="...)
	o = appendNameList(o, p.scratch, p.hdrs)
	o = append(o, "&q-url-param-list="...)
	o = appendNameList(o, p.scratch, p.prms)
	o = append(o, "&q-signature="...)
	o = append(o, sig[:]...)
	for _, e := range p.prms {
		o = append(o, '&')
		o = appendQueryEscaped(o, e.origName)
		o = append(o, '=')
		o = appendQueryEscaped(o, e.origValue)
	}
	return o
}

// authorization is the Authorization header's value, written straight into
// a string of its exact size: no zeroing, no copy.
func (s *Signer) authorization(kt []byte, p *pairs, sig *[40]byte) string {
	const fixed = len("q-sign-algorithm=sha1&q-ak=&q-sign-time=&q-key-time=&q-header-list=&q-url-param-list=&q-signature=") + len(sig)
	var b strings.Builder
	b.Grow(fixed + len(s.id) + 2*len(kt) + nameListLen(p.hdrs) + nameListLen(p.prms))
	b.WriteString("q-sign-algorithm=sha1&q-ak=")
	b.WriteString(s.id)
	b.WriteString("&q-sign-time=")
	b.Write(kt)
	b.WriteString("&q-key-time=")
	b.Write(kt)
	b.WriteString("&q-header-list=")
	writeNameList(&b, p.scratch, p.hdrs)
	b.WriteString("&q-url-param-list=")
	writeNameList(&b, p.scratch, p.prms)
	b.WriteString("&q-signature=")
	b.Write(sig[:])
	return b.String()
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
