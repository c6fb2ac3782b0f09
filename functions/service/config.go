package service

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/signer"
)

// Config is the service's configuration, read once from the environment by
// LoadConfig (see DESIGN.md's configuration table for the variables).
type Config struct {
	// Credentials are the signing credentials; MissingCredentials names the
	// variables to set when they are absent (then signing answers 503).
	Credentials        signer.Credentials
	MissingCredentials []string
	// CredentialsExpiration is COS_CREDENTIALS_EXPIRATION: when the
	// credentials stop working, if known (zero: unknown).
	CredentialsExpiration time.Time
	// credentialEnv reads the credential variables again, for a platform
	// that replaces them between invocations (Options.CredentialsPerInvocation).
	credentialEnv func(string) string
	// Endpoint is where requests go (COS_REGION, COS_ENDPOINT, COS_DOMAIN,
	// COS_SCHEME).
	Endpoint signer.Endpoint
	// Bucket is COS_BUCKET, the default; AllowedBuckets (COS_ALLOWED_BUCKETS)
	// are the others a request may name.
	Bucket         string
	AllowedBuckets []string
	// AllowedRegions (COS_ALLOWED_REGIONS) are the regions a request may
	// name besides COS_REGION: plain region names only.
	AllowedRegions []string

	// Policy (SIGN_*).
	AllowedMethods        []string     // upper case
	KeyPrefixes           policy.Rules // SIGN_KEY_PREFIXES, each with its own methods or none
	DefaultExpired        int64        // seconds
	MaxExpired            int64
	AllowedHeaders        policy.NameList
	AllowedParams         policy.NameList
	AllowUnsignedHost     bool
	AllowAnonymousWrites  bool
	AllowBucketKey        bool // SIGN_ALLOW_BUCKET_OPERATIONS: key "/" (the bucket itself)
	AllowPrefixListing    bool // SIGN_ALLOW_PREFIX_LISTING: GET Bucket inside the caller's prefixes
	AllowCopiesPastLimits bool // SIGN_ALLOW_COPIES_PAST_LIMITS: copies under the upload limits, which they escape
	MaxBodyBytes          int64
	MaxBatch              int
	AllowedExtensions     policy.Extensions
	AllowedContentTypes   policy.ContentTypes
	MaxContentLength      int64 // 0: no limit
	// MaxParts (SIGN_MAX_PARTS) and MaxPartLength (SIGN_MAX_PART_LENGTH, 0:
	// MaxContentLength's) bound a multipart object: PartLimit.
	MaxParts      int
	MaxPartLength int64
	// Processing is SIGN_CI_PROCESSING: the Cloud Infinite processing
	// families a download may carry.
	Processing policy.Families

	// CDN is the CDN in front of COS_BUCKET that /download signs for
	// (CDN_*); the zero value is none.
	CDN CDN

	// CORSOrigins is CORS_ALLOWED_ORIGINS; "*" admits any origin.
	CORSOrigins []string
	// CORSHeaders is CORS_ALLOWED_HEADERS: the request headers the
	// service's own preflight allows (DefaultCORSHeaders when nil).
	CORSHeaders []string

	// Auth verifies callers (AUTH_*).
	Auth auth.Authenticator

	// STS is the /sts route's configuration (STS_*); off by default.
	STS sts.Config
}

// Defaults for the SIGN_* variables.
const (
	DefaultAllowedMethods = "GET,HEAD,PUT,POST"
	DefaultExpired        = 300
	DefaultMaxExpired     = 3600
	DefaultMaxBodyBytes   = 65536
	DefaultMaxBatch       = 100
	// DefaultMaxParts is COS's own limit on a multipart upload's parts.
	DefaultMaxParts = 10000
	// MaxPartLengthCOS is COS's largest part (5 GB).
	MaxPartLengthCOS = 5 << 30
	// DefaultCORSHeaders are the request headers the service reads, and
	// X-Requested-With, which some client libraries add.
	DefaultCORSHeaders = "Authorization,Content-Type,X-Auth-Token,X-Request-Id,X-Requested-With"
)

// LoadConfig reads the configuration from the environment; an error names
// the variable at fault, never a secret value.
func LoadConfig(getenv func(string) string) (Config, error) {
	rawEnv := getenv
	getenv, unfilled := refusePlaceholders(getenv)
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var c Config
	if err := loadCredentials(env, &c); err != nil {
		return Config{}, err
	}
	c.credentialEnv = credentialLookup(rawEnv)
	// The steps run in this order, so a configuration with several faults
	// is refused for the same one every time.
	for _, load := range []func(func(string) string, *Config) error{
		loadEndpoint, loadBuckets, loadMethods, loadRegions, loadLimits, loadNameRules, loadDownloads, loadSwitches, loadCORS,
	} {
		if err := load(env, &c); err != nil {
			return Config{}, err
		}
	}
	var err error
	if c.Auth, err = auth.FromEnv(getenv); err != nil {
		return Config{}, err
	}
	if err := prefixesForAuth(env("SIGN_KEY_PREFIXES"), c.Auth.Mode()); err != nil {
		return Config{}, err
	}
	if c.STS, err = sts.LoadConfig(getenv, c.Endpoint.Region, c.Credentials.SessionToken != ""); err != nil {
		return Config{}, err
	}
	if len(*unfilled) > 0 {
		return Config{}, fmt.Errorf("%s: holds an unreplaced placeholder (${…}); set the variable, or leave it empty for the default", strings.Join(*unfilled, ", "))
	}
	return c, nil
}

// refusePlaceholders wraps getenv so that a value still reading "${…}" (a
// deploy tool's placeholder left unreplaced: serverless.yml's ${env:NAME})
// reads as unset, and is listed in unfilled: LoadConfig then refuses to
// start rather than run with it as a bucket name, prefix or secret.
func refusePlaceholders(raw func(string) string) (getenv func(string) string, unfilled *[]string) {
	var names []string
	return func(name string) string {
		v := raw(name)
		if strings.HasPrefix(strings.TrimSpace(v), "${") {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
			return ""
		}
		return v
	}, &names
}

// loadEndpoint reads COS_REGION, COS_ENDPOINT, COS_DOMAIN and COS_SCHEME,
// each checked on its own so the error names it.
func loadEndpoint(env func(string) string, c *Config) error {
	dummy := signer.Credentials{SecretID: "x", SecretKey: "x"}
	for _, v := range []struct {
		name string
		ep   signer.Endpoint
	}{
		{"COS_REGION", signer.Endpoint{Region: env("COS_REGION")}},
		{"COS_ENDPOINT", signer.Endpoint{Endpoint: env("COS_ENDPOINT")}},
		{"COS_DOMAIN", signer.Endpoint{Domain: env("COS_DOMAIN")}},
		{"COS_SCHEME", signer.Endpoint{Scheme: env("COS_SCHEME")}},
	} {
		if _, err := signer.New(dummy, v.ep); err != nil {
			return fmt.Errorf("%s: %s", v.name, signerMessage(err))
		}
	}
	if r := env("COS_REGION"); r != "" {
		if err := checkRegion(r); err != nil {
			return fmt.Errorf("COS_REGION: %v", err)
		}
	}
	c.Endpoint = signer.Endpoint{Region: env("COS_REGION"), Endpoint: env("COS_ENDPOINT"), Domain: env("COS_DOMAIN"), Scheme: env("COS_SCHEME")}
	return nil
}

// loadBuckets reads COS_BUCKET and COS_ALLOWED_BUCKETS.
func loadBuckets(env func(string) string, c *Config) error {
	c.Bucket = env("COS_BUCKET")
	if c.Bucket != "" {
		if err := checkBucket(c.Bucket); err != nil {
			return fmt.Errorf("COS_BUCKET: %v", err)
		}
	}
	for _, b := range splitList(env("COS_ALLOWED_BUCKETS")) {
		if err := checkBucket(b); err != nil {
			return fmt.Errorf("COS_ALLOWED_BUCKETS: %v", err)
		}
		c.AllowedBuckets = append(c.AllowedBuckets, b)
	}
	return nil
}

// loadMethods reads SIGN_ALLOWED_METHODS.
func loadMethods(env func(string) string, c *Config) error {
	methods := env("SIGN_ALLOWED_METHODS")
	if methods == "" {
		methods = DefaultAllowedMethods
	}
	for _, m := range splitList(methods) {
		m = strings.ToUpper(m)
		switch m {
		case "GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS":
			c.AllowedMethods = append(c.AllowedMethods, m)
		default:
			return fmt.Errorf("SIGN_ALLOWED_METHODS: %q is not one of GET, HEAD, PUT, POST, DELETE, OPTIONS", m)
		}
	}
	return nil
}

// loadRegions reads COS_ALLOWED_REGIONS: plain region names.
func loadRegions(env func(string) string, c *Config) error {
	for _, r := range splitList(env("COS_ALLOWED_REGIONS")) {
		if err := checkRegion(r); err != nil || !policy.PlainRegion(r) {
			if err == nil {
				err = fmt.Errorf("%q is not a plain region name (such as ap-shanghai; hosts and accelerate go in COS_ENDPOINT)", r)
			}
			return fmt.Errorf("COS_ALLOWED_REGIONS: %v", err)
		}
		c.AllowedRegions = append(c.AllowedRegions, r)
	}
	return nil
}

// loadLimits reads SIGN_KEY_PREFIXES and the numeric limits: expiry, body,
// batch, content and part sizes.
func loadLimits(env func(string) string, c *Config) error {
	var err error
	if c.KeyPrefixes, err = keyPrefixes(env("SIGN_KEY_PREFIXES"), c.AllowedMethods); err != nil {
		return err
	}
	if c.DefaultExpired, err = positiveInt(env, "SIGN_DEFAULT_EXPIRED", DefaultExpired, false); err != nil {
		return err
	}
	if c.MaxExpired, err = positiveInt(env, "SIGN_MAX_EXPIRED", DefaultMaxExpired, false); err != nil {
		return err
	}
	if c.DefaultExpired > c.MaxExpired {
		return fmt.Errorf("SIGN_DEFAULT_EXPIRED: %d is more than SIGN_MAX_EXPIRED (%d)", c.DefaultExpired, c.MaxExpired)
	}
	if c.MaxBodyBytes, err = positiveInt(env, "SIGN_MAX_BODY_BYTES", DefaultMaxBodyBytes, false); err != nil {
		return err
	}
	maxBatch, err := positiveInt(env, "SIGN_MAX_BATCH", DefaultMaxBatch, false)
	if err != nil {
		return err
	}
	if maxBatch > 10000 {
		return fmt.Errorf("SIGN_MAX_BATCH: %d is more than 10000", maxBatch)
	}
	c.MaxBatch = int(maxBatch)
	if c.MaxContentLength, err = positiveInt(env, "SIGN_MAX_CONTENT_LENGTH", 0, true); err != nil {
		return err
	}
	maxParts, err := positiveInt(env, "SIGN_MAX_PARTS", DefaultMaxParts, false)
	if err != nil {
		return err
	}
	if maxParts > DefaultMaxParts {
		return fmt.Errorf("SIGN_MAX_PARTS: %d is more than COS's %d parts", maxParts, DefaultMaxParts)
	}
	c.MaxParts = int(maxParts)
	if c.MaxPartLength, err = positiveInt(env, "SIGN_MAX_PART_LENGTH", 0, false); err != nil {
		return err
	}
	if c.MaxPartLength > MaxPartLengthCOS {
		return fmt.Errorf("SIGN_MAX_PART_LENGTH: %d is more than COS's largest part (%d bytes)", c.MaxPartLength, int64(MaxPartLengthCOS))
	}
	// A part URL re-sent with re-cased params (PARTNUMBER=…) is a PUT
	// Object, so a part limit above the single-PUT limit would lift it.
	if c.MaxContentLength > 0 && c.MaxPartLength > c.MaxContentLength {
		return fmt.Errorf("SIGN_MAX_PART_LENGTH: %d is more than SIGN_MAX_CONTENT_LENGTH (%d): a part URL re-sent with its params re-cased is a single PUT, so it would lift SIGN_MAX_CONTENT_LENGTH; lower SIGN_MAX_PART_LENGTH or raise SIGN_MAX_CONTENT_LENGTH", c.MaxPartLength, c.MaxContentLength)
	}
	return nil
}

// loadNameRules reads which header and param names may be signed, and the
// allowed extensions and content types.
func loadNameRules(env func(string) string, c *Config) error {
	var err error
	if c.AllowedHeaders, err = nameList(env, "SIGN_ALLOWED_HEADERS", policy.DefaultHeaders); err != nil {
		return err
	}
	if c.AllowedParams, err = nameList(env, "SIGN_ALLOWED_PARAMS", policy.DefaultParams); err != nil {
		return err
	}
	if c.AllowedExtensions, err = policy.ParseExtensions(env("SIGN_ALLOWED_EXTENSIONS")); err != nil {
		return fmt.Errorf("SIGN_ALLOWED_EXTENSIONS: %v", err)
	}
	if c.AllowedContentTypes, err = policy.ParseContentTypes(env("SIGN_ALLOWED_CONTENT_TYPES")); err != nil {
		return fmt.Errorf("SIGN_ALLOWED_CONTENT_TYPES: %v", err)
	}
	return nil
}

// loadDownloads reads SIGN_CI_PROCESSING and the CDN a download may be
// signed for (CDN_*).
func loadDownloads(env func(string) string, c *Config) error {
	var err error
	processing := env("SIGN_CI_PROCESSING")
	if processing == "" {
		processing = policy.DefaultProcessing
	}
	if c.Processing, err = policy.ParseFamilies(processing); err != nil {
		return fmt.Errorf("SIGN_CI_PROCESSING: %v", err)
	}
	if c.CDN, err = loadCDN(env); err != nil {
		return err
	}
	// A configured CDN is /download's default, and it serves COS_BUCKET
	// only: without one, every default download would be CDNNotForBucket.
	if c.CDN.Domain != "" && c.Bucket == "" {
		return fmt.Errorf("CDN_DOMAIN: is set but COS_BUCKET is not: a CDN URL is for COS_BUCKET only (COS_ALLOWED_BUCKETS are served from COS), so set COS_BUCKET to the bucket behind CDN_DOMAIN, or remove CDN_DOMAIN")
	}
	if c.CDN.TTL > 0 && c.CDN.TTL < c.DefaultExpired {
		return fmt.Errorf("CDN_AUTH_TTL: %d seconds is less than SIGN_DEFAULT_EXPIRED (%d): the CDN accepts a URL for CDN_AUTH_TTL after its timestamp, so a download through it could not last the default expiry", c.CDN.TTL, c.DefaultExpired)
	}
	return nil
}

// loadSwitches reads the policy's yes/no variables.
func loadSwitches(env func(string) string, c *Config) error {
	for _, b := range []struct {
		name string
		dst  *bool
	}{
		{"SIGN_ALLOW_UNSIGNED_HOST", &c.AllowUnsignedHost},
		{"SIGN_ALLOW_ANONYMOUS_WRITES", &c.AllowAnonymousWrites},
		{"SIGN_ALLOW_BUCKET_OPERATIONS", &c.AllowBucketKey},
		{"SIGN_ALLOW_PREFIX_LISTING", &c.AllowPrefixListing},
		{"SIGN_ALLOW_COPIES_PAST_LIMITS", &c.AllowCopiesPastLimits},
	} {
		var err error
		if *b.dst, err = boolVar(env, b.name); err != nil {
			return err
		}
	}
	return nil
}

// loadCORS reads CORS_ALLOWED_ORIGINS and CORS_ALLOWED_HEADERS.
func loadCORS(env func(string) string, c *Config) error {
	for _, o := range splitList(env("CORS_ALLOWED_ORIGINS")) {
		if err := checkOrigin(o); err != nil {
			return fmt.Errorf("CORS_ALLOWED_ORIGINS: %v", err)
		}
		c.CORSOrigins = append(c.CORSOrigins, o)
	}

	corsHeaders := env("CORS_ALLOWED_HEADERS")
	if corsHeaders == "" {
		corsHeaders = DefaultCORSHeaders
	}
	for _, h := range splitList(corsHeaders) {
		if !tokenLike(h, "-_") {
			return fmt.Errorf("CORS_ALLOWED_HEADERS: %q is not a header name", h)
		}
		c.CORSHeaders = append(c.CORSHeaders, h)
	}
	return nil
}

// PartLimit is the most a part may hold and the variable that says so:
// SIGN_MAX_PART_LENGTH, or else SIGN_MAX_CONTENT_LENGTH (0: no limit).
func (c Config) PartLimit() (int64, string) {
	if c.MaxPartLength > 0 {
		return c.MaxPartLength, "SIGN_MAX_PART_LENGTH"
	}
	return c.MaxContentLength, "SIGN_MAX_CONTENT_LENGTH"
}

func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func positiveInt(env func(string) string, name string, def int64, zeroOK bool) (int64, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || (n == 0 && !zeroOK) {
		return 0, fmt.Errorf("%s: %q is not a positive whole number", name, v)
	}
	return n, nil
}

func nameList(env func(string) string, name, def string) (policy.NameList, error) {
	v := env(name)
	if v == "" {
		v = def
	}
	l, err := policy.ParseNameList(v)
	if err != nil {
		return policy.NameList{}, fmt.Errorf("%s: %v", name, err)
	}
	return l, nil
}

func boolVar(env func(string) string, name string) (bool, error) {
	switch strings.ToLower(env(name)) {
	case "", "false", "0", "no", "off":
		return false, nil
	case "true", "1", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%s: %q is not true or false", name, env(name))
}

// signerMessage is a signer error's message without the package prefix.
func signerMessage(err error) string {
	var se *signer.Error
	if errors.As(err, &se) {
		return se.Message
	}
	return err.Error()
}
