// Package fakecos is a COS written for tests: an HTTP server that checks
// every request's signature as COS would, recomputing it with
// cos-go-sdk-v5 (never with this project's signer), and keeps the objects
// it is sent. Clients reach it as an HTTP proxy (absolute-form requests,
// the SDKs' Proxy option) or with the bucket host in Host (a browser's
// --host-resolver-rules), so what they sign is the real bucket host.
//
// It serves what the official SDKs' flows need: PUT, HEAD, GET, DELETE of
// objects, multipart uploads (initiate, upload part, list parts, complete,
// abort, list multipart uploads), listing objects, POST form uploads with a
// policy, and CORS; copies, renames, and PUT ?acl/?tagging (answered, not
// kept). It is for tests only.
package fakecos

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Credentials are a key pair the fake COS accepts; a non-empty Token makes
// them temporary, and then every request must carry it
// (x-cos-security-token header or query parameter), as COS requires.
type Credentials struct {
	SecretID, SecretKey, Token string
}

// Entry is one request the fake COS answered, for tests to assert on.
type Entry struct {
	Method, Key   string
	Query         string // the raw query, signature parameters included
	Status        int
	Code, Message string // the error answered, if any
	Retry         bool   // the request carried x-cos-sdk-retry
	TokenIn       string // "header", "query", "form" or "" (no security token)
	// Processing is the Cloud Infinite processing a GET or HEAD asked for
	// (a pipeline param name, or "ci-process=<value>"), and
	// ProcessingSigned whether the signature covered it.
	Processing       string
	ProcessingSigned bool
}

// Object is a stored object.
type Object struct {
	Data        []byte
	ContentType string
	ETag        string // quoted, as COS answers it
	Meta        http.Header
	Modified    time.Time
}

// Server is a running fake COS.
type Server struct {
	*httptest.Server

	// Now is the clock signatures are checked against (default time.Now).
	Now func() time.Time
	// ExposeHeaders are what a CORS answer lets a page read; the default
	// is what cos-js-sdk-v5 needs (ETag above all: multipart uploads read it).
	ExposeHeaders []string
	// CredentialsFor, when set, is asked for a SecretId the fake does not
	// know (temporary keys a test's STS vended), for signed requests and
	// form uploads alike.
	CredentialsFor func(secretID string) (Credentials, bool)
	// Authorize, when set, is asked after the signature holds whether the
	// request's credentials may do it (the CAM policy STS attached to
	// them); false answers 403 AccessDenied, as COS does.
	Authorize func(Access) bool

	mu      sync.Mutex
	creds   map[string]Credentials
	objects map[string]*Object // host + "/" + key
	uploads map[string]*upload // by upload id
	fails   []fail             // pending FailOnce rules
	log     []Entry
	seq     int
}

type upload struct {
	host, key, contentType string
	initiated              time.Time
	parts                  map[int]part
}

type part struct {
	data []byte
	etag string
}

type fail struct{ method, key string }

// New starts a fake COS that accepts creds; more can be added with
// AddCredentials (temporary keys a test's STS hands out).
func New(creds ...Credentials) *Server {
	s := &Server{
		Now:           time.Now,
		ExposeHeaders: []string{"ETag", "Content-Length", "x-cos-request-id", "x-cos-version-id", "x-cos-hash-crc64ecma"},
		creds:         map[string]Credentials{},
		objects:       map[string]*Object{},
		uploads:       map[string]*upload{},
	}
	for _, c := range creds {
		s.AddCredentials(c)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// AddCredentials makes the fake COS accept c.
func (s *Server) AddCredentials(c Credentials) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[c.SecretID] = c
}

// FailOnce makes the next request for key with method answer 503
// ServiceUnavailable, as COS does when it is overloaded; an SDK retries it.
func (s *Server) FailOnce(method, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, fail{strings.ToUpper(method), key})
}

// Log is every request answered so far, in order.
func (s *Server) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Last is the last request answered and how many there were (a fuzz
// target's per-input look, without copying the whole log).
func (s *Server) Last() (Entry, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) == 0 {
		return Entry{}, 0
	}
	return s.log[len(s.log)-1], len(s.log)
}

// Object is the stored object host/key, or nil.
func (s *Server) Object(host, key string) *Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.objects[host+"/"+key]
}

// UploadOpen says whether the multipart upload id is still open (neither
// completed nor aborted): an abandoned one is billed until a lifecycle rule
// removes it.
func (s *Server) UploadOpen(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads[id] != nil
}

// PutObject stores an object directly, for a test's setup.
func (s *Server) PutObject(host, key string, data []byte, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[host+"/"+key] = &Object{Data: data, ContentType: contentType, ETag: etagOf(data), Modified: s.Now()}
}

// bucketHost is a COS bucket's default domain: <bucket>-<appid>.cos.<region>.myqcloud.com.
var bucketHost = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*-[0-9]+\.cos\.[a-z0-9-]+\.myqcloud\.com$`)

// cosError is an answer in COS's error shape.
type cosError struct {
	status        int
	code, message string
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	key := strings.TrimPrefix(r.URL.Path, "/")
	e := Entry{Method: r.Method, Key: key, Query: r.URL.RawQuery, Retry: r.Header.Get("x-cos-sdk-retry") != ""}

	s.mu.Lock()
	s.seq++
	rid := fmt.Sprintf("fakecos-%06d", s.seq)
	s.mu.Unlock()
	w.Header().Set("x-cos-request-id", rid)
	w.Header().Set("Server", "tencent-cos")
	if r.Header.Get("Origin") != "" {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", strings.Join(s.ExposeHeaders, ", "))
	}

	status, cerr := s.handle(w, r, host, key, &e)
	if cerr != nil {
		status = cerr.status
		e.Code, e.Message = cerr.code, cerr.message
		writeError(w, r, cerr, key, rid)
	}
	e.Status = status
	s.mu.Lock()
	s.log = append(s.log, e)
	s.mu.Unlock()
}

// handle answers one request; it writes the answer itself unless it
// returns an error. Param names are matched as spelt, as S3 does (COS
// documents no other reading): PARTNUMBER is no partNumber, so a part URL
// re-sent with it is a PUT Object. The signature, computed on lower-cased
// names, holds either way.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, host, key string, e *Entry) (int, *cosError) {
	if !bucketHost.MatchString(host) {
		return 0, &cosError{400, "InvalidURI", "fake COS: " + host + " is not a bucket's default domain"}
	}
	if r.Method == http.MethodOptions {
		return s.preflight(w, r)
	}
	q := parseQuery(r.URL.RawQuery)
	if r.Method == http.MethodPost && key == "" && !q.Has("uploads") && !q.Has("delete") {
		return s.postObject(w, r, host, e)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, &cosError{400, "IncompleteBody", err.Error()}
	}
	secretID, cerr := s.verify(r, q, e)
	if cerr != nil {
		return 0, cerr
	}
	if action := ActionOf(r.Method, key, q); s.Authorize != nil && !s.Authorize(accessOf(r, secretID, action, host, key, q)) {
		return 0, denied(action)
	}
	if s.takeFail(r.Method, key) {
		return 0, &cosError{503, "ServiceUnavailable", "Please reduce your request rate (fake COS, FailOnce)"}
	}
	if key == "" {
		return s.bucket(w, r, host, q)
	}
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		return s.initiate(w, r, host, key)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		return s.uploadPart(w, q, body)
	case r.Method == http.MethodGet && q.Has("uploadId"):
		return s.listParts(w, host, key, q)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		return s.complete(w, host, key, q, body)
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		return s.abort(w, q)
	case r.Method == http.MethodPut && (q.Has("acl") || q.Has("tagging")):
		return s.putSubresource(w, host, key)
	case r.Method == http.MethodPut && q.Has("rename"):
		return s.rename(w, r, host, key)
	case r.Method == http.MethodPut && r.Header.Get("x-cos-copy-source") != "":
		return s.copyObject(w, r, host, key)
	case r.Method == http.MethodPut:
		return s.putObject(w, r, host, key, body)
	case r.Method == http.MethodGet, r.Method == http.MethodHead:
		return s.getObject(w, r, host, key, q, e)
	case r.Method == http.MethodDelete:
		s.mu.Lock()
		delete(s.objects, host+"/"+key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent, nil
	}
	return 0, &cosError{405, "MethodNotAllowed", "fake COS does not serve " + r.Method + " " + r.URL.RawQuery}
}

func (s *Server) takeFail(method, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.fails {
		if f.method == method && f.key == key {
			s.fails = slices.Delete(s.fails, i, i+1)
			return true
		}
	}
	return false
}

// preflight answers a CORS preflight as a bucket whose CORS rule admits
// every origin, method and header would (COS does not sign preflights).
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) (int, *cosError) {
	if r.Header.Get("Origin") == "" || r.Header.Get("Access-Control-Request-Method") == "" {
		return 0, &cosError{403, "AccessForbidden", "CORS preflight without Origin or Access-Control-Request-Method"}
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST, DELETE")
	if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
		h.Set("Access-Control-Allow-Headers", rh)
	}
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, nil
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, host, key string, body []byte) (int, *cosError) {
	if cerr := checkMD5(r, body); cerr != nil {
		return 0, cerr
	}
	o := &Object{Data: body, ContentType: r.Header.Get("Content-Type"), ETag: etagOf(body), Meta: http.Header{}, Modified: s.Now()}
	for name, v := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-cos-meta-") {
			o.Meta[name] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.objects[host+"/"+key]; exists && strings.EqualFold(r.Header.Get("x-cos-forbid-overwrite"), "true") {
		return 0, &cosError{409, "FileAlreadyExists", "The object already exists and x-cos-forbid-overwrite is true"}
	}
	s.objects[host+"/"+key] = o
	w.Header().Set("ETag", o.ETag)
	w.Header().Set("x-cos-hash-crc64ecma", crc(body))
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, nil
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, host, key string, q url.Values, e *Entry) (int, *cosError) {
	s.mu.Lock()
	o := s.objects[host+"/"+key]
	s.mu.Unlock()
	if o == nil {
		return 0, &cosError{404, "NoSuchKey", "The specified key does not exist."}
	}
	h := w.Header()
	// COS hands a GET carrying processing to Cloud Infinite. The fake
	// serves the object as it is and says which processing CI would have
	// applied, and whether the signature covered it.
	if e.Processing, e.ProcessingSigned = processingOf(r, q); e.Processing != "" {
		h.Set(ProcessingHeader, e.Processing)
		h.Set(ProcessingSignedHeader, strconv.FormatBool(e.ProcessingSigned))
	}
	h.Set("ETag", o.ETag)
	h.Set("x-cos-hash-crc64ecma", crc(o.Data))
	h.Set("Content-Type", o.ContentType)
	if o.ContentType == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	for name, v := range o.Meta {
		h[name] = v
	}
	// response-* parameters override the answer's headers, as on COS.
	for name, v := range q {
		if hn, ok := strings.CutPrefix(name, "response-"); ok && len(v) > 0 {
			h.Set(hn, v[0])
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	http.ServeContent(rec, r, "", o.Modified, bytes.NewReader(o.Data))
	return rec.status, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func checkMD5(r *http.Request, body []byte) *cosError {
	want := r.Header.Get("Content-MD5")
	if want == "" {
		return nil
	}
	sum := md5.Sum(body)
	if want != b64(sum[:]) {
		return &cosError{400, "BadDigest", "The Content-MD5 you specified did not match what was received."}
	}
	return nil
}

// crc64 is the x-cos-hash-crc64ecma COS answers (the SDKs check it).
func crc(b []byte) string {
	return strconv.FormatUint(crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)), 10)
}

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func writeError(w http.ResponseWriter, r *http.Request, e *cosError, key, rid string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	out, _ := xml.MarshalIndent(struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string
		Message   string
		Resource  string
		RequestID string `xml:"RequestId"`
	}{Code: e.code, Message: e.message, Resource: "/" + key, RequestID: rid}, "", "  ")
	io.WriteString(w, xml.Header)
	w.Write(out)
}

func writeXML(w http.ResponseWriter, v any) (int, *cosError) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return 0, &cosError{500, "InternalError", err.Error()}
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, xml.Header)
	w.Write(out)
	return http.StatusOK, nil
}

// bucket answers the bucket-level requests: listing multipart uploads
// (?uploads) and listing objects.
func (s *Server) bucket(w http.ResponseWriter, r *http.Request, host string, q url.Values) (int, *cosError) {
	if r.Method != http.MethodGet {
		return 0, &cosError{405, "MethodNotAllowed", "fake COS serves only GET on a bucket"}
	}
	prefix := q.Get("prefix")
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Has("uploads") {
		type up struct {
			Key          string
			UploadID     string `xml:"UploadId"`
			StorageClass string
			Initiated    string
		}
		var ups []up
		ids := make([]string, 0, len(s.uploads))
		for id := range s.uploads {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			u := s.uploads[id]
			if u.host == host && strings.HasPrefix(u.key, prefix) {
				ups = append(ups, up{u.key, id, "STANDARD", u.initiated.UTC().Format(time.RFC3339)})
			}
		}
		return writeXML(w, struct {
			XMLName     xml.Name `xml:"ListMultipartUploadsResult"`
			Bucket      string
			Prefix      string
			MaxUploads  int
			IsTruncated bool
			Upload      []up
		}{Bucket: bucketOf(host), Prefix: prefix, MaxUploads: 1000, Upload: ups})
	}
	type content struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	var cs []content
	for hk, o := range s.objects {
		if k, ok := strings.CutPrefix(hk, host+"/"); ok && strings.HasPrefix(k, prefix) {
			cs = append(cs, content{k, o.Modified.UTC().Format(time.RFC3339), o.ETag, len(o.Data), "STANDARD"})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return writeXML(w, struct {
		XMLName     xml.Name `xml:"ListBucketResult"`
		Name        string
		Prefix      string
		MaxKeys     int
		IsTruncated bool
		Contents    []content
	}{Name: bucketOf(host), Prefix: prefix, MaxKeys: 1000, Contents: cs})
}

// bucketOf is the bucket (name-appid) a bucket host names.
func bucketOf(host string) string {
	bucket, _, _ := strings.Cut(host, ".")
	return bucket
}

func (s *Server) initiate(w http.ResponseWriter, r *http.Request, host, key string) (int, *cosError) {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("fakecos-upload-%d-%d", s.Now().UnixNano(), s.seq)
	s.uploads[id] = &upload{host: host, key: key, contentType: r.Header.Get("Content-Type"), initiated: s.Now(), parts: map[int]part{}}
	s.mu.Unlock()
	return writeXML(w, struct {
		XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
		Bucket   string
		Key      string
		UploadID string `xml:"UploadId"`
	}{Bucket: bucketOf(host), Key: key, UploadID: id})
}

// minPartSize is COS's smallest part but the last.
const minPartSize = 1 << 20

func (s *Server) uploadPart(w http.ResponseWriter, q url.Values, body []byte) (int, *cosError) {
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return 0, &cosError{400, "InvalidArgument", "partNumber must be 1 to 10000"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[q.Get("uploadId")]
	if u == nil {
		return 0, &cosError{404, "NoSuchUpload", "The specified upload does not exist."}
	}
	p := part{data: body, etag: etagOf(body)}
	u.parts[n] = p
	w.Header().Set("ETag", p.etag)
	w.Header().Set("x-cos-hash-crc64ecma", crc(body))
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, nil
}

// uploadOf is the multipart upload id of key on host; s.mu is held.
func (s *Server) uploadOf(host, key, id string) (*upload, *cosError) {
	u := s.uploads[id]
	if u == nil || u.host != host || u.key != key {
		return nil, &cosError{404, "NoSuchUpload", "The specified upload does not exist."}
	}
	return u, nil
}

func (s *Server) listParts(w http.ResponseWriter, host, key string, q url.Values) (int, *cosError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := q.Get("uploadId")
	u, cerr := s.uploadOf(host, key, id)
	if cerr != nil {
		return 0, cerr
	}
	type xpart struct {
		PartNumber   int
		LastModified string
		ETag         string
		Size         int
	}
	var ps []xpart
	for n, p := range u.parts {
		ps = append(ps, xpart{n, u.initiated.UTC().Format(time.RFC3339), p.etag, len(p.data)})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].PartNumber < ps[j].PartNumber })
	return writeXML(w, struct {
		XMLName     xml.Name `xml:"ListPartsResult"`
		Bucket      string
		Key         string
		UploadID    string `xml:"UploadId"`
		MaxParts    int
		IsTruncated bool
		Part        []xpart
	}{Bucket: bucketOf(host), Key: key, UploadID: id, MaxParts: 1000, Part: ps})
}

func (s *Server) complete(w http.ResponseWriter, host, key string, q url.Values, body []byte) (int, *cosError) {
	var req struct {
		Part []struct {
			PartNumber int
			ETag       string
		}
	}
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Part) == 0 {
		return 0, &cosError{400, "MalformedXML", "The XML you provided was not well-formed or did not validate"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := q.Get("uploadId")
	u, cerr := s.uploadOf(host, key, id)
	if cerr != nil {
		return 0, cerr
	}
	var data []byte
	sums := md5.New()
	for i, p := range req.Part {
		got, ok := u.parts[p.PartNumber]
		if !ok || strings.Trim(got.etag, `"`) != strings.Trim(p.ETag, `"`) {
			return 0, &cosError{400, "InvalidPart", fmt.Sprintf("part %d was not uploaded or its ETag does not match", p.PartNumber)}
		}
		if i > 0 && p.PartNumber <= req.Part[i-1].PartNumber {
			return 0, &cosError{400, "InvalidPartOrder", "parts must be listed in ascending order"}
		}
		if i < len(req.Part)-1 && len(got.data) < minPartSize {
			return 0, &cosError{400, "EntityTooSmall", fmt.Sprintf("part %d is smaller than 1 MB and not the last", p.PartNumber)}
		}
		data = append(data, got.data...)
		raw, _ := hex.DecodeString(strings.Trim(got.etag, `"`))
		sums.Write(raw)
	}
	etag := fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sums.Sum(nil)), len(req.Part))
	s.objects[host+"/"+key] = &Object{Data: data, ContentType: u.contentType, ETag: etag, Meta: http.Header{}, Modified: s.Now()}
	delete(s.uploads, id)
	w.Header().Set("x-cos-hash-crc64ecma", crc(data))
	return writeXML(w, struct {
		XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
		Location string
		Bucket   string
		Key      string
		ETag     string
	}{Location: host + "/" + key, Bucket: bucketOf(host), Key: key, ETag: etag})
}

func (s *Server) abort(w http.ResponseWriter, q url.Values) (int, *cosError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := q.Get("uploadId")
	if s.uploads[id] == nil {
		return 0, &cosError{404, "NoSuchUpload", "The specified upload does not exist."}
	}
	delete(s.uploads, id)
	w.WriteHeader(http.StatusNoContent)
	return http.StatusNoContent, nil
}

// putSubresource answers PUT ?acl and PUT ?tagging: the object's data and
// type stay as they are (this fake keeps no ACLs or tags).
func (s *Server) putSubresource(w http.ResponseWriter, host, key string) (int, *cosError) {
	s.mu.Lock()
	o := s.objects[host+"/"+key]
	s.mu.Unlock()
	if o == nil {
		return 0, &cosError{404, "NoSuchKey", "The specified key does not exist."}
	}
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, nil
}

// rename answers PUT ?rename: x-cos-rename-source ("/<key>", URL-encoded)
// names an object of the same bucket, which moves to key.
func (s *Server) rename(w http.ResponseWriter, r *http.Request, host, key string) (int, *cosError) {
	src, err := url.PathUnescape(strings.TrimPrefix(r.Header.Get("x-cos-rename-source"), "/"))
	if err != nil || src == "" {
		return 0, &cosError{400, "InvalidArgument", "x-cos-rename-source must be /<key>"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[host+"/"+src]
	if o == nil {
		return 0, &cosError{404, "NoSuchKey", "The rename source does not exist."}
	}
	delete(s.objects, host+"/"+src)
	s.objects[host+"/"+key] = o
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, nil
}

// copyObject answers PUT Object - Copy: x-cos-copy-source is
// "<bucket host>/<key>" (the key URL-encoded, no ?versionId here); the copy
// takes the source's data, and its type too unless
// x-cos-metadata-directive is Replaced.
func (s *Server) copyObject(w http.ResponseWriter, r *http.Request, host, key string) (int, *cosError) {
	srcHost, rawKey, ok := strings.Cut(r.Header.Get("x-cos-copy-source"), "/")
	src, err := url.PathUnescape(rawKey)
	if !ok || err != nil || !bucketHost.MatchString(strings.ToLower(srcHost)) {
		return 0, &cosError{400, "InvalidArgument", "x-cos-copy-source must be <bucket host>/<key>"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[strings.ToLower(srcHost)+"/"+src]
	if o == nil {
		return 0, &cosError{404, "NoSuchKey", "The copy source does not exist."}
	}
	c := &Object{Data: bytes.Clone(o.Data), ContentType: o.ContentType, ETag: o.ETag, Meta: http.Header{}, Modified: s.Now()}
	if strings.EqualFold(r.Header.Get("x-cos-metadata-directive"), "Replaced") {
		c.ContentType = r.Header.Get("Content-Type")
	}
	s.objects[host+"/"+key] = c
	return writeXML(w, struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		ETag         string
		LastModified string
	}{ETag: c.ETag, LastModified: c.Modified.UTC().Format(time.RFC3339)})
}
