// Package cdnauth computes Tencent Cloud CDN URL authentication (鉴权配置
// TypeA, TypeB, TypeC and TypeD): an MD5 over the request path, a timestamp
// and the key set in the CDN console, carried in the query (A, D) or in the
// path (B, C).
//
// Like the COS signer beside it, the package does no I/O, reads no
// environment and has no clock: the caller passes the timestamp (and for
// TypeA the random string), so every result is reproducible. The signature
// covers the path only: no type covers the query.
package cdnauth

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Type is the console's 鉴权方式.
type Type byte

const (
	TypeA Type = 'A' // /path?sign=ts-rand-uid-md5(path-ts-rand-uid-key)
	TypeB Type = 'B' // /YYYYMMDDHHMM/md5(key+ts+path)/path, UTC+8
	TypeC Type = 'C' // /md5(key+path+ts)/ts/path
	TypeD Type = 'D' // /path?sign=md5(key+path+ts)&t=ts
)

// TimeFormat is how TypeC and TypeD write the timestamp (the console's
// 时间格式): decimal or lower-case hexadecimal Unix seconds.
type TimeFormat string

const (
	Dec TimeFormat = "dec"
	Hex TimeFormat = "hex"
)

// Config is one CDN domain's authentication settings, as set in the console.
type Config struct {
	Type Type
	// Key is the console's primary (or backup) key: 6-40 letters and digits.
	Key string
	// SignParam names the signature's query parameter (A, D); "" is "sign".
	SignParam string
	// TimeParam names the timestamp's query parameter (D); "" is "t".
	TimeParam string
	// TimeFormat is C's and D's timestamp format; "" is C's hex and D's dec.
	TimeFormat TimeFormat
}

// beijing is TypeB's clock: the documented examples are UTC+8, which has
// no daylight saving time.
var beijing = time.FixedZone("UTC+8", 8*3600)

// ParseType reads "A".."D" (or "TypeA".."TypeD"), in any letter case.
func ParseType(s string) (Type, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "TYPE")
	if len(u) == 1 && u[0] >= 'A' && u[0] <= 'D' {
		return Type(u[0]), nil
	}
	return 0, fmt.Errorf("%q is not A, B, C or D", s)
}

// Setting names a Config field in a SettingError.
type Setting string

const (
	SettingType       Setting = "type"
	SettingKey        Setting = "key"
	SettingSignParam  Setting = "sign parameter"
	SettingTimeParam  Setting = "time parameter"
	SettingTimeFormat Setting = "time format"
)

// SettingError is a Config that cannot sign: which setting, and why. It
// never holds the key's value.
type SettingError struct {
	Setting Setting
	Reason  string
}

func (e *SettingError) Error() string { return string(e.Setting) + ": " + e.Reason }

func settingError(s Setting, format string, args ...any) error {
	return &SettingError{s, fmt.Sprintf(format, args...)}
}

// Check reports what is wrong with c (a *SettingError).
func (c Config) Check() error {
	switch c.Type {
	case TypeA, TypeB, TypeC, TypeD:
	default:
		return settingError(SettingType, "not A, B, C or D")
	}
	if n := len(c.Key); n < 6 || n > 40 || !alnum(c.Key) {
		return settingError(SettingKey, "must be 6 to 40 letters and digits (it has %d characters)", len(c.Key))
	}
	if c.SignParam != "" {
		if c.Type != TypeA && c.Type != TypeD {
			return settingError(SettingSignParam, "Type%c carries the signature in the path, not in a parameter", c.Type)
		}
		if !paramName(c.SignParam) {
			return settingError(SettingSignParam, "%q: 1 to 100 letters, digits or '_', not starting with a digit", c.SignParam)
		}
	}
	if c.TimeParam != "" {
		if c.Type != TypeD {
			return settingError(SettingTimeParam, "only TypeD carries the timestamp in a parameter")
		}
		if !paramName(c.TimeParam) {
			return settingError(SettingTimeParam, "%q: 1 to 100 letters, digits or '_', not starting with a digit", c.TimeParam)
		}
	}
	if c.Type == TypeD && strings.EqualFold(c.signParam(), c.timeParam()) {
		return settingError(SettingTimeParam, "the sign and time parameters are both %q", c.signParam())
	}
	switch c.TimeFormat {
	case "":
	case Dec, Hex:
		if c.Type != TypeC && c.Type != TypeD {
			return settingError(SettingTimeFormat, "Type%c has a fixed timestamp format", c.Type)
		}
	default:
		return settingError(SettingTimeFormat, "%q: dec or hex", c.TimeFormat)
	}
	return nil
}

func (c Config) signParam() string {
	if c.SignParam == "" {
		return "sign"
	}
	return c.SignParam
}

func (c Config) timeParam() string {
	if c.TimeParam == "" {
		return "t"
	}
	return c.TimeParam
}

func (c Config) timeFormat() TimeFormat {
	switch {
	case c.TimeFormat != "":
		return c.TimeFormat
	case c.Type == TypeC:
		return Hex
	}
	return Dec
}

// Stamp is how ts is written in a URL, and the Unix time it stands for:
// TypeB has minute resolution, so its stamp stands for ts rounded down to
// the minute.
func (c Config) Stamp(ts int64) (text string, effective int64) {
	switch {
	case c.Type == TypeB:
		return time.Unix(ts, 0).In(beijing).Format("200601021504"), ts - ts%60
	case c.Type == TypeA, c.timeFormat() == Dec:
		return strconv.FormatInt(ts, 10), ts
	}
	return strconv.FormatInt(ts, 16), ts
}

// Signed is a signed path and query, to follow scheme://domain.
type Signed struct {
	// PathQuery is the signed path (B, C: with the signature's segments
	// before it) and, for A and D, the query carrying the signature.
	PathQuery string
	// Expires is when the CDN stops accepting the URL: the effective
	// timestamp plus the console's validity (ttl).
	Expires int64
}

// Sign signs path, the request path exactly as the client will send it:
// percent-encoded, starting with '/', without a query. ts is the timestamp
// (the CDN accepts the URL until ts + the console's validity ttl); rand is
// TypeA's random string (0-100 letters and digits; the uid is 0) and is
// ignored by the other types.
func Sign(c Config, path string, ts, ttl int64, rand string) (Signed, error) {
	if err := c.Check(); err != nil {
		return Signed{}, err
	}
	if err := checkPath(path); err != nil {
		return Signed{}, err
	}
	if ts <= 0 {
		return Signed{}, fmt.Errorf("timestamp %d is not after 1970", ts)
	}
	if ttl < 0 {
		return Signed{}, fmt.Errorf("validity %d is negative", ttl)
	}
	stamp, eff := c.Stamp(ts)
	var pq string
	switch c.Type {
	case TypeA:
		if len(rand) > 100 || !alnum(rand) {
			return Signed{}, errors.New("rand: at most 100 letters and digits")
		}
		const uid = "0"
		h := digest(path, "-", stamp, "-", rand, "-", uid, "-", c.Key)
		pq = path + "?" + c.signParam() + "=" + stamp + "-" + rand + "-" + uid + "-" + h
	case TypeB:
		pq = "/" + stamp + "/" + digest(c.Key, stamp, path) + path
	case TypeC:
		pq = "/" + digest(c.Key, path, stamp) + "/" + stamp + path
	case TypeD:
		pq = path + "?" + c.signParam() + "=" + digest(c.Key, path, stamp) + "&" + c.timeParam() + "=" + stamp
	}
	return Signed{PathQuery: pq, Expires: eff + ttl}, nil
}

// digest is the lower-case hex MD5 of the parts joined.
func digest(parts ...string) string {
	h := md5.New()
	for _, p := range parts {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkPath admits a percent-encoded path: it starts with '/', holds only
// printable ASCII other than space, '?' and '#', and every '%' starts an
// escape. The CDN hashes the path as it arrives; anything an HTTP client
// would rewrite on the way would break the signature.
func checkPath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return errors.New("path must start with '/'")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c <= ' ' || c >= 0x7f || c == '?' || c == '#':
			return fmt.Errorf("path byte %q at %d must be percent-encoded", c, i)
		case c == '%' && (i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2])):
			return fmt.Errorf("path '%%' at %d does not start an escape (%%XX)", i)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// paramName is the console's rule for parameter names.
func paramName(s string) bool {
	if s == "" || len(s) > 100 || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '_' && !alnum(s[i:i+1]) {
			return false
		}
	}
	return true
}
