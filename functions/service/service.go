package service

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/functions/sts"
	"github.com/cos-signer/cos-signer/signer"
)

// Options are what a platform main or a test supplies besides the
// environment.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives one JSON line per request; slog's default when nil.
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
	// CredentialsPerInvocation says that the platform may replace the
	// credentials in the environment between invocations (SCF event
	// functions: each invocation's role keys): they are read again for
	// every request rather than once at start.
	CredentialsPerInvocation bool
	// AuthorizerContext says that the door fills Request.Authorizer from
	// the platform's authorizer (Lambda's API Gateway and Function URL
	// triggers). Without it AUTH_MODE=gateway is refused at start: every
	// signing request would be 401.
	AuthorizerContext bool
}

// Service answers signing requests. It is safe for concurrent use.
type Service struct {
	cfg     Config
	keys    *keySource     // the credentials to sign with, read where the platform puts them
	hosts   *signer.Signer // the endpoint's hosts (no credentials involved)
	now     func() time.Time
	log     *slog.Logger
	version string

	methods     map[string]bool // allowed signing methods, upper case
	buckets     map[string]bool // COS_ALLOWED_BUCKETS, lower case
	corsAny     bool
	corsHeaders string // Access-Control-Allow-Headers
	corsOrigins map[string]bool
	authMode    string
	sts         *sts.Vendor // nil when STS_MODE is off
	stsPolicies policyMemo  // the CAM policies /sts derived, by what they derive from
	stsLimits   sts.Limits  // /sts's upload conditions: SIGN_ALLOWED_CONTENT_TYPES, SIGN_MAX_CONTENT_LENGTH, the part limit

	ridPrefix string
	ridSeq    atomic.Uint64

	// configErr is the configuration error a Misconfigured service
	// reports on every route.
	configErr error
}

// New builds the service. Missing credentials are not an error: signing
// routes then answer 503 and /healthz still answers.
func New(cfg Config, opts Options) (*Service, error) {
	s := &Service{cfg: cfg, now: opts.Now, log: opts.Logger, version: opts.Version}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.version == "" {
		s.version = "dev"
	}
	keys, err := newKeySource(cfg, opts.CredentialsPerInvocation)
	if err != nil {
		return nil, err
	}
	s.keys = keys
	if s.hosts, err = signer.New(hostOnly, cfg.Endpoint); err != nil {
		return nil, fmt.Errorf("signing endpoint: %s", signerMessage(err))
	}
	if cfg.Auth == nil {
		a, err := auth.FromEnv(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		s.cfg.Auth = a
	}
	s.authMode = s.cfg.Auth.Mode()
	if s.authMode == auth.ModeGateway && !opts.AuthorizerContext {
		return nil, errGatewayWithoutAuthorizer
	}
	auth.Start(s.cfg.Auth, s.log)
	if cfg.DefaultExpired <= 0 {
		s.cfg.DefaultExpired = DefaultExpired
	}
	if cfg.MaxExpired <= 0 {
		s.cfg.MaxExpired = DefaultMaxExpired
	}
	if cfg.MaxBodyBytes <= 0 {
		s.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBatch <= 0 {
		s.cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.AllowedMethods == nil {
		s.cfg.AllowedMethods = strings.Split(DefaultAllowedMethods, ",")
	}
	s.methods = map[string]bool{}
	for _, m := range s.cfg.AllowedMethods {
		s.methods[strings.ToUpper(m)] = true
	}
	s.buckets = map[string]bool{}
	for _, b := range cfg.AllowedBuckets {
		s.buckets[strings.ToLower(b)] = true
	}
	s.corsOrigins = map[string]bool{}
	for _, o := range cfg.CORSOrigins {
		if o == "*" {
			s.corsAny = true
		} else {
			s.corsOrigins[strings.ToLower(o)] = true
		}
	}
	headers := cfg.CORSHeaders
	if headers == nil {
		headers = strings.Split(DefaultCORSHeaders, ",")
	}
	s.corsHeaders = strings.Join(headers, ", ")
	if cfg.STS.On() && (len(cfg.MissingCredentials) == 0 || opts.CredentialsPerInvocation) {
		// The STS client itself is built on the first /sts request, and
		// signs each call with the keys of that moment (stsKeys).
		s.sts = sts.NewVendor(cfg.STS, sts.NewClient(cfg.STS, s.stsKeys), s.now)
	}
	if cfg.STS.On() {
		types, err := sts.ExpressibleTypes(cfg.AllowedContentTypes.Patterns(), cfg.AllowedContentTypes.Allows)
		if err != nil {
			return nil, fmt.Errorf("SIGN_ALLOWED_CONTENT_TYPES: %v", err)
		}
		part, _ := cfg.PartLimit()
		s.stsLimits = sts.Limits{Types: types, MaxContentLength: cfg.MaxContentLength, MaxPartLength: part}
	}
	var rid [6]byte
	if _, err := rand.Read(rid[:]); err != nil {
		return nil, fmt.Errorf("request ids: %w", err)
	}
	s.ridPrefix = hex.EncodeToString(rid[:]) + "-"
	return s, nil
}

var errGatewayWithoutAuthorizer = errors.New("AUTH_MODE=gateway: this platform's events carry no caller verified by a gateway authorizer " +
	"(only AWS API Gateway and Lambda Function URLs pass one), so every signing request would be refused; use AUTH_MODE=jwt (docs/auth.md)")

// FromEnv is LoadConfig and New together: what every platform main does at
// start-up.
func FromEnv(getenv func(string) string, opts Options) (*Service, error) {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return nil, err
	}
	return New(cfg, opts)
}

// Misconfigured is a service that signs nothing: /healthz and every route
// answer 503 ConfigurationError with cause (which names the variable at
// fault, never a secret). A server that must keep listening (an SCF web
// function, whose start-up log a deployer may not see) serves it instead
// of exiting.
func Misconfigured(cause error, opts Options) *Service {
	// No credentials: New then builds no signer and cannot fail on them.
	s, err := New(Config{MissingCredentials: []string{"(see the configuration error)"}}, opts)
	if err != nil {
		panic("service: the empty configuration is refused: " + err.Error())
	}
	s.configErr = cause
	return s
}

func (s *Service) newRequestID() string {
	var b [32]byte
	out := append(b[:0], s.ridPrefix...)
	out = strconv.AppendUint(out, s.ridSeq.Add(1), 10)
	return string(out)
}

// notConfigured is the 503 ServiceNotConfigured that /healthz and every
// signing route answer while the service lacks what it needs to sign
// anything, naming it (variable names only, never a value); nil when
// nothing is missing.
func (s *Service) notConfigured() error {
	if s.configErr != nil {
		return &apiError{http.StatusServiceUnavailable, "ConfigurationError", "the service's configuration is refused, so it signs nothing: " + s.configErr.Error()}
	}
	var missing []string
	if k := s.keys.current(); k.problem != "" {
		missing = append(missing, k.problem)
	} else if k.signer == nil {
		missing = append(missing, "no credentials (set "+strings.Join(k.missing, " and ")+")")
	}
	if s.cfg.Bucket == "" && len(s.cfg.AllowedBuckets) == 0 {
		missing = append(missing, "no bucket (set COS_BUCKET, or COS_ALLOWED_BUCKETS for callers to choose from)")
	}
	if ep := s.cfg.Endpoint; ep.Region == "" && ep.Endpoint == "" && ep.Domain == "" && len(s.cfg.AllowedRegions) == 0 {
		missing = append(missing, "no region (set COS_REGION, or COS_ALLOWED_REGIONS for callers to choose from, or COS_ENDPOINT / COS_DOMAIN)")
	}
	if missing == nil {
		return nil
	}
	return &apiError{http.StatusServiceUnavailable, "ServiceNotConfigured", "cannot sign: " + strings.Join(missing, "; ")}
}
