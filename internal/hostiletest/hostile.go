// Package hostiletest is one platform-neutral table of hostile requests for the
// signing service, each with the status and error code it must be refused
// with, plus the checks that every platform's runner applies to the answer.
// The runners live next to each platform's handler (functions/service,
// functions/scf, functions/lambda, functions/web) and push every case
// through that platform's real handler code in-process.
//
// It is for tests only: its credentials are fake, and Cases mints caller
// tokens with internal/authtest.
package hostiletest

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/internal/authtest"
)

// Real-looking but fake signing credentials: a 36-character SecretId, a
// 32-character SecretKey and a long session token holding '+', '/' and '='
// (so that its URL-encoded form differs from the raw one). The log test
// looks for each of them.
const (
	SecretID     = "AKIDhOsTiLe5uItE0x9Q2w3E4r5T6y7U8i9O"
	SecretKey    = "hostileSecretKey0123456789abcdEF"
	SessionToken = "hostile+SessionToken/Ab12Cd34Ef56+Gh78Ij90/Kl12Mn34Op56Qr78St90Uv12Wx34Yz56+AbCdEfGhIjKl/MnOpQrStUvWxYz0123456789==" //nolint:gosec // fake
	// JWTSecret is the HS256 secret of the jwt profile (authtest's).
	JWTSecret = authtest.Secret
	// CDNKey is the CDN profiles' CDN_AUTH_KEY: letters and digits, as the
	// CDN console takes them.
	CDNKey = "hostileCdnAuthKey0123456789abcdEF"
)

// The target the profiles configure.
const (
	Bucket = "examplebucket-1250000000"
	Region = "ap-guangzhou"
	// Host is Bucket's COS host in Region.
	Host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
	// Origin is the one CORS origin the profiles allow.
	Origin = "https://app.example.com"
	// MaxBodyBytes is SIGN_MAX_BODY_BYTES in every profile.
	MaxBodyBytes = 4096
	// MaxBatch is SIGN_MAX_BATCH in every profile.
	MaxBatch = 5
)

// Now is the clock every runner gives the service (Options.Now); Cases
// mints tokens relative to it.
var Now = time.Unix(1795374000, 0)

// BaseEnv is the environment every case starts from: AUTH_MODE none
// (anonymous writes refused), keys under uploads/user1/ and public/, and
// the real-looking credentials above.
func BaseEnv() map[string]string {
	return map[string]string{
		"COS_SECRET_ID":        SecretID,
		"COS_SECRET_KEY":       SecretKey,
		"COS_SESSION_TOKEN":    SessionToken,
		"COS_BUCKET":           Bucket,
		"COS_REGION":           Region,
		"COS_ALLOWED_BUCKETS":  "otherbucket-1250000000",
		"SIGN_KEY_PREFIXES":    "uploads/user1,public/",
		"SIGN_MAX_BODY_BYTES":  "4096",
		"SIGN_MAX_BATCH":       "5",
		"CORS_ALLOWED_ORIGINS": Origin,
	}
}

// Environment profiles, as overrides of BaseEnv ("" deletes a variable).
var (
	// JWT verifies HS256 caller tokens and keys each caller to users/{sub}/.
	JWT = merge(authtest.HS256Env(JWTSecret), map[string]string{"SIGN_KEY_PREFIXES": "users/{sub},public/"})
	// JWTSubOnly is JWT with users/{sub}/ as the only prefix, so that a
	// server-chosen key has nowhere to go without a usable identity.
	JWTSubOnly = merge(JWT, map[string]string{"SIGN_KEY_PREFIXES": "users/{sub}"})
	// AnonWrites lets anonymous callers sign writes (so that the write
	// cases reach the checks behind that one).
	AnonWrites = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true"}
	// Wildcards allows any header and param name: sensitive names must
	// still be refused.
	Wildcards = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_ALLOWED_HEADERS": "*", "SIGN_ALLOWED_PARAMS": "*"}
	// XCosWildcard allows x-cos-* headers, which must not admit x-cos-acl.
	XCosWildcard = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_ALLOWED_HEADERS": "x-cos-*,content-type"}
	// UploadLimits restricts uploads to images up to 1 MiB.
	UploadLimits = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true",
		"SIGN_ALLOWED_CONTENT_TYPES": "image/*", "SIGN_MAX_CONTENT_LENGTH": "1048576"}
	// Extensions limits server-chosen and written keys to jpg and png.
	Extensions = map[string]string{"SIGN_ALLOW_ANONYMOUS_WRITES": "true", "SIGN_ALLOWED_EXTENSIONS": "jpg,png"}
	// CDNNoKey configures a CDN whose key the secret store left empty.
	CDNNoKey = map[string]string{"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": "D", "CDN_AUTH_TTL": "3600"}
	// NoCredentials has no signing credentials at all.
	NoCredentials = map[string]string{"COS_SECRET_ID": "", "COS_SECRET_KEY": "", "COS_SESSION_TOKEN": ""}
)

// CDN has /download signed for the CDN in front of Bucket, with URL
// authentication of type typ (A, B, C or D).
func CDN(typ string) map[string]string {
	return map[string]string{"CDN_DOMAIN": "img.example.com", "CDN_AUTH_TYPE": typ, "CDN_AUTH_KEY": CDNKey, "CDN_AUTH_TTL": "3600"}
}

// Environ is BaseEnv with a case's overrides applied.
func Environ(over map[string]string) map[string]string {
	env := BaseEnv()
	for k, v := range over {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	return env
}

// EnvKey names an environment, so that a runner builds one handler per
// distinct environment rather than one per case.
func EnvKey(env map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(env)) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(env[k])
		b.WriteByte(0)
	}
	return b.String()
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// Request is one logical HTTP request; each platform's runner turns it into
// that platform's event (or http.Request).
type Request struct {
	Method string
	// Path is the URL path as sent, unescaped.
	Path  string
	Query map[string][]string
	// Header holds the headers as a client sends them (any letter case);
	// adapters lower-case the names.
	Header map[string]string
	Body   []byte
	// Base64 asks platforms whose events carry isBase64Encoded to send Body
	// base64-encoded; the others send it as it is.
	Base64 bool
	// RawBase64Body, when set, is sent with isBase64Encoded=true on the
	// platforms that have it, as an already-encoded body (for invalid
	// base64); the others send it as the raw body.
	RawBase64Body string
}

// Expect is what must come back.
type Expect struct {
	Status int
	// Code is the error code of the body's error object (status >= 400).
	Code string
	// Entries are the per-entry error codes of a /batch answer ("" for an
	// entry that must succeed).
	Entries []string
	// AbsentHeaders are response headers (any case) that must not be set.
	AbsentHeaders []string
}

// Case is one hostile request and what the service must answer.
type Case struct {
	Name string
	// Env overrides BaseEnv (see the profiles above).
	Env     map[string]string
	Request Request
	Expect  Expect
	// WithoutBase64 replaces Expect on platforms without isBase64Encoded
	// (core, web), where the raw bytes arrive as the body itself.
	WithoutBase64 *Expect
	// Bug, when set, records a core bug found by this case: the runner
	// skips the case with this text (see the security report).
	Bug string
}

// Platform describes the platform a runner drives, as far as the table
// cares.
type Platform struct {
	Name string
	// Base64 says whether its events carry isBase64Encoded.
	Base64 bool
}

// ExpectOn is the expectation for c on p.
func (c Case) ExpectOn(p Platform) Expect {
	if !p.Base64 && c.WithoutBase64 != nil {
		return *c.WithoutBase64
	}
	return c.Expect
}

// BodyOn is the body bytes and the isBase64Encoded flag for p's event: the
// body text as it travels and whether it is marked base64.
func (r Request) BodyOn(p Platform) (body string, isBase64 bool) {
	switch {
	case r.RawBase64Body != "" && p.Base64:
		return r.RawBase64Body, true
	case r.RawBase64Body != "":
		return r.RawBase64Body, false
	case r.Base64 && p.Base64:
		return encodeBase64(r.Body), true
	}
	return string(r.Body), false
}

// RawBody is the body as a platform without isBase64Encoded receives it.
func (r Request) RawBody() []byte {
	if r.RawBase64Body != "" {
		return []byte(r.RawBase64Body)
	}
	return r.Body
}
