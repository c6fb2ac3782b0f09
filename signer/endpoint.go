package signer

import "strings"

// Endpoint says where a bucket's requests go. At most one of Domain, Endpoint
// and Region decides the host, in that order, as in cos-python-sdk-v5.
type Endpoint struct {
	// Region such as "ap-guangzhou". Legacy regions (cn-north, cn-south,
	// cn-east, cn-south-2, cn-southwest, sg) get no "cos." label, JSON-API
	// aliases (cosgz, cossh, …) are mapped, and a region already holding
	// "cos." is used as it is. A request may name another region.
	Region string
	// Endpoint such as "cos.accelerate.myqcloud.com": the host is
	// "<bucket>.<Endpoint>".
	Endpoint string
	// Domain is a custom or CDN domain, optionally with a port: the host is
	// exactly this, whatever the bucket.
	Domain string
	// Scheme is "https" (the default) or "http".
	Scheme string
}

// endpoint is an Endpoint validated and lower-cased once, so that deriving a
// host per request costs no allocation.
type endpoint struct {
	region     string // default region, validated; may be empty
	endpoint   string // lower-cased
	domainHost string // lower-cased, no port: what is signed
	domainURL  string // lower-cased, port kept: what goes in URLs
	scheme     string
}

func newEndpoint(e Endpoint) (endpoint, error) {
	var ep endpoint
	switch strings.ToLower(e.Scheme) {
	case "", "https":
		ep.scheme = "https"
	case "http":
		ep.scheme = "http"
	default:
		return ep, errorf(CodeInvalidEndpoint, "scheme %s is not supported: use https or http", quoteForMessage(e.Scheme))
	}
	if e.Domain != "" {
		host, port, hasPort := strings.Cut(e.Domain, ":")
		if !validHostName(host) || (hasPort && !validPort(port)) {
			return ep, errorf(CodeInvalidEndpoint, "domain %s is not a host name (such as cdn.example.com or cdn.example.com:8443; no scheme or path)", quoteForMessage(e.Domain))
		}
		ep.domainHost = strings.ToLower(host)
		ep.domainURL = strings.ToLower(e.Domain)
	}
	if e.Endpoint != "" {
		if !validHostName(e.Endpoint) {
			return ep, errorf(CodeInvalidEndpoint, "endpoint %s is not a host name (such as cos.accelerate.myqcloud.com; no scheme or path)", quoteForMessage(e.Endpoint))
		}
		ep.endpoint = strings.ToLower(e.Endpoint)
	}
	if e.Region != "" {
		if err := validRegion(e.Region); err != nil {
			return ep, err
		}
		ep.region = e.Region
	}
	return ep, nil
}

// appendHost writes the lower-case host, without port, that requests for
// bucket are signed with. region overrides the default region.
func (ep *endpoint) appendHost(dst []byte, bucket, region string) ([]byte, error) {
	if err := validBucket(bucket); err != nil {
		return dst, err
	}
	if ep.domainHost != "" {
		return append(dst, ep.domainHost...), nil
	}
	dst = AppendLowerASCII(dst, bucket)
	dst = append(dst, '.')
	if ep.endpoint != "" {
		return append(dst, ep.endpoint...), nil
	}
	if region == "" {
		region = ep.region
		if region == "" {
			return dst, errorf(CodeInvalidRegion, "region is required: configure one, or an endpoint or domain")
		}
	} else if err := validRegion(region); err != nil {
		return dst, err
	}
	dst = appendRegionLabel(dst, region)
	return append(dst, ".myqcloud.com"...), nil
}

// appendURLHost writes the host that goes into URLs: the signed host, except
// that a custom domain keeps its port.
func (ep *endpoint) appendURLHost(dst []byte, bucket, region string) ([]byte, error) {
	if ep.domainURL != "" {
		if err := validBucket(bucket); err != nil {
			return dst, err
		}
		return append(dst, ep.domainURL...), nil
	}
	return ep.appendHost(dst, bucket, region)
}

// regionAliases are the JSON-API region names cos-python-sdk-v5 maps.
var regionAliases = map[string]string{
	"cossh":  "ap-shanghai",
	"cosgz":  "ap-guangzhou",
	"cosbj":  "ap-beijing",
	"costj":  "ap-beijing-1",
	"coscd":  "ap-chengdu",
	"cossgp": "ap-singapore",
	"coshk":  "ap-hongkong",
	"cosca":  "na-toronto",
	"cosger": "eu-frankfurt",
}

// appendRegionLabel writes the lower-cased host label(s) for a validated
// region. Legacy names and aliases match in any letter case (python matches
// them case-sensitively and would build a host that does not exist).
func appendRegionLabel(dst []byte, region string) []byte {
	if containsFold(region, "cos.") {
		return AppendLowerASCII(dst, region)
	}
	if len(region) <= 12 {
		var buf [12]byte
		lower := AppendLowerASCII(buf[:0], region)
		switch string(lower) {
		case "cn-north", "cn-south", "cn-east", "cn-south-2", "cn-southwest", "sg":
			return append(dst, lower...)
		}
		if alias, ok := regionAliases[string(lower)]; ok {
			region = alias
		}
	}
	dst = append(dst, "cos."...)
	return AppendLowerASCII(dst, region)
}

// validBucket is python's rule: letters, digits and '-', not starting or
// ending with '-'.
func validBucket(b string) error {
	if b == "" {
		return errorf(CodeInvalidBucket, "bucket is required (name-appid, such as examplebucket-1250000000)")
	}
	ok := len(b) >= 2 && isAlnum(b[0]) && isAlnum(b[len(b)-1])
	for i := 0; ok && i < len(b); i++ {
		ok = isAlnum(b[i]) || b[i] == '-'
	}
	if !ok {
		return errorf(CodeInvalidBucket, "bucket %s is not valid: use letters, digits and '-' (name-appid, such as examplebucket-1250000000)", quoteForMessage(b))
	}
	return nil
}

// validRegion is python's rule: letters, digits, '.' and '-', starting and
// ending with a letter or digit.
func validRegion(r string) error {
	ok := len(r) >= 2 && isAlnum(r[0]) && isAlnum(r[len(r)-1])
	for i := 0; ok && i < len(r); i++ {
		ok = isAlnum(r[i]) || r[i] == '-' || r[i] == '.'
	}
	if !ok {
		return errorf(CodeInvalidRegion, "region %s is not valid (such as ap-guangzhou)", quoteForMessage(r))
	}
	return nil
}

func validHostName(h string) bool {
	if h == "" || len(h) > 253 || h[0] == '.' || h[len(h)-1] == '.' || h[0] == '-' {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
		if c == '.' && h[i-1] == '.' {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n > 0 && n < 65536
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// AppendLowerASCII appends s with A-Z lower-cased and every other byte
// as it is: COS names fold in ASCII only (strings.ToLower would also fold
// the Kelvin sign to k).
func AppendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
