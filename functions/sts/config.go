package sts

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/cos-signer/cos-signer/signer"
)

// Modes.
const (
	ModeOff        = "off"
	ModeFederation = "federation"  // GetFederationToken: permanent keys only
	ModeAssumeRole = "assume-role" // AssumeRole with STS_ROLE_ARN: SCF's role keys work
)

// Defaults.
const (
	DefaultDuration = 1800
	DefaultEndpoint = "sts.tencentcloudapi.com"
	// Most seconds STS grants per mode (a root account's federation tokens
	// are capped at 7200 by STS itself: its refusal surfaces as STSRefused).
	MaxDurationAssumeRole = 43200
	MaxDurationFederation = 129600
)

// Config is the STS_* configuration.
type Config struct {
	Mode     string
	RoleARN  string
	Duration int64  // seconds
	Host     string // host[:port]
	Scheme   string // "https", or "http" for a loopback host
	Region   string // canonical

	// AllowAnonymous lets callers without credentials have /sts
	// (STS_ALLOW_ANONYMOUS): they share one rate limit.
	AllowAnonymous bool
	// CallerRate is each caller's STS calls a minute per instance
	// (STS_CALLER_RATE; 0: no limit), CallerBurst how many may come at
	// once (STS_CALLER_BURST).
	CallerRate  float64
	CallerBurst int
}

// Rate limit defaults: a caller that uploads through the scope form asks
// once per file, a prefix-form caller once per half lifetime.
const (
	DefaultCallerRate  = 30
	DefaultCallerBurst = 10
)

// On says whether /sts vends credentials.
func (c Config) On() bool { return c.Mode != "" && c.Mode != ModeOff }

// LoadConfig reads STS_MODE, STS_ROLE_ARN, STS_DURATION, STS_ENDPOINT and
// STS_REGION (default: cosRegion). sessionToken says whether the service's
// own credentials are temporary. An error names the variable at fault.
func LoadConfig(env func(string) string, cosRegion string, sessionToken bool) (Config, error) {
	get := func(n string) string { return strings.TrimSpace(env(n)) }
	c := Config{Mode: strings.ToLower(get("STS_MODE"))}
	switch c.Mode {
	case "", ModeOff:
		return Config{Mode: ModeOff}, nil
	case ModeFederation:
		if sessionToken {
			return Config{}, fmt.Errorf("STS_MODE: federation (GetFederationToken) takes permanent keys only, and the service's credentials carry a session token: use assume-role with STS_ROLE_ARN")
		}
	case ModeAssumeRole:
		c.RoleARN = get("STS_ROLE_ARN")
		if c.RoleARN == "" {
			return Config{}, fmt.Errorf("STS_ROLE_ARN: required when STS_MODE is assume-role (such as qcs::cam::uin/100000000001:roleName/cos-uploader)")
		}
		if !strings.HasPrefix(c.RoleARN, "qcs::cam::") || strings.ContainsAny(c.RoleARN, " \t\r\n") {
			return Config{}, fmt.Errorf("STS_ROLE_ARN: %q is not a role ARN (qcs::cam::uin/<uin>:roleName/<name>)", c.RoleARN)
		}
	default:
		return Config{}, fmt.Errorf("STS_MODE: %q is not off, federation or assume-role", c.Mode)
	}

	longest := int64(MaxDurationFederation)
	if c.Mode == ModeAssumeRole {
		longest = MaxDurationAssumeRole
	}
	c.Duration = DefaultDuration
	if v := get("STS_DURATION"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 || n > longest {
			return Config{}, fmt.Errorf("STS_DURATION: %q is not a number of seconds from 1 to %d (the most STS grants in %s mode)", v, longest, c.Mode)
		}
		c.Duration = n
	}

	switch v := strings.ToLower(get("STS_ALLOW_ANONYMOUS")); v {
	case "", "false", "0":
	case "true", "1":
		c.AllowAnonymous = true
	default:
		return Config{}, fmt.Errorf("STS_ALLOW_ANONYMOUS: %q is not true or false", v)
	}
	c.CallerRate, c.CallerBurst = DefaultCallerRate, DefaultCallerBurst
	if v := get("STS_CALLER_RATE"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 36000 || math.IsNaN(n) {
			return Config{}, fmt.Errorf("STS_CALLER_RATE: %q is not a number of STS calls a minute per caller from 0 (no limit) to 36000", v)
		}
		c.CallerRate = n
	}
	if v := get("STS_CALLER_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return Config{}, fmt.Errorf("STS_CALLER_BURST: %q is not a number of calls from 1 to 1000", v)
		}
		c.CallerBurst = n
	}

	var err error
	if c.Scheme, c.Host, err = parseEndpoint(get("STS_ENDPOINT")); err != nil {
		return Config{}, fmt.Errorf("STS_ENDPOINT: %v", err)
	}

	region, name := get("STS_REGION"), "STS_REGION"
	if region == "" {
		region, name = cosRegion, "COS_REGION"
	}
	c.Region = signer.CanonicalRegion(region)
	if c.Region == "" {
		return Config{}, fmt.Errorf("STS_REGION: required when COS_REGION is not set (the region of the bucket's CAM resources, such as ap-guangzhou)")
	}
	if !validRegion(c.Region) {
		return Config{}, fmt.Errorf("%s: %q is not a region (such as ap-guangzhou)", name, region)
	}
	return c, nil
}

// parseEndpoint reads a host or an http(s)://host[:port] URL; plain http
// only to a loopback host (tests), since the service's keys sign the calls
// and the answers carry secrets.
func parseEndpoint(v string) (scheme, host string, err error) {
	if v == "" {
		return "https", DefaultEndpoint, nil
	}
	scheme, host = "https", v
	if strings.Contains(v, "://") {
		u, perr := url.Parse(v)
		if perr != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" || u.Host == "" {
			return "", "", fmt.Errorf("%q is not a host or an http(s)://host[:port] URL", v)
		}
		scheme, host = strings.ToLower(u.Scheme), u.Host
		if scheme != "https" && scheme != "http" {
			return "", "", fmt.Errorf("%q: the scheme must be https (or http to a loopback host)", v)
		}
	}
	name, port, splitErr := net.SplitHostPort(host)
	if splitErr != nil {
		name, port = host, ""
	}
	if p, perr := strconv.Atoi(port); port != "" && (perr != nil || p < 1 || p > 65535) {
		return "", "", fmt.Errorf("%q has no valid port", v)
	}
	if !validHost(name) {
		return "", "", fmt.Errorf("%q is not a host or an http(s)://host[:port] URL", v)
	}
	if scheme == "http" && !loopback(name) {
		return "", "", fmt.Errorf("%q: plain http only to a loopback host (127.0.0.1, ::1, localhost); use https", v)
	}
	return scheme, host, nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func validRegion(r string) bool {
	if len(r) < 2 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return r[0] != '-' && r[len(r)-1] != '-'
}
