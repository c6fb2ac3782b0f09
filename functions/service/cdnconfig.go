package service

import (
	"fmt"
	"strconv"

	"github.com/cos-signer/cos-signer/signer"
	"github.com/cos-signer/cos-signer/signer/cdnauth"
)

// CDN is a CDN domain in front of COS_BUCKET whose URL authentication
// /download signs for (CDN_*). The zero value is no CDN.
type CDN struct {
	// Domain is CDN_DOMAIN, the host the URLs name (scheme: COS_SCHEME).
	Domain string
	// Auth is the console's authentication: CDN_AUTH_TYPE, CDN_AUTH_KEY,
	// CDN_AUTH_SIGN_PARAM, CDN_AUTH_TIME_PARAM, CDN_AUTH_TIME_FORMAT.
	Auth cdnauth.Config
	// TTL is CDN_AUTH_TTL, the console's 有效时长: the CDN accepts a URL
	// until its timestamp plus TTL.
	TTL int64
	// AllowQuery is CDN_ALLOW_QUERY: params (processing, response-*) are
	// appended to a CDN URL unsigned rather than refused.
	AllowQuery bool
	// Missing are the required CDN_* variables that a partial
	// configuration lacks; /healthz and CDN downloads name them.
	Missing []string
}

// On reports whether a CDN is configured, in whole or in part.
func (c CDN) On() bool { return c.Domain != "" || len(c.Missing) > 0 }

// MaxCDNTTL is the console's longest validity (630720000 s, 20 years).
const MaxCDNTTL = 630720000

var (
	cdnRequired = []string{"CDN_DOMAIN", "CDN_AUTH_TYPE", "CDN_AUTH_KEY", "CDN_AUTH_TTL"}
	cdnOptional = []string{"CDN_AUTH_SIGN_PARAM", "CDN_AUTH_TIME_PARAM", "CDN_AUTH_TIME_FORMAT", "CDN_ALLOW_QUERY"}
)

// loadCDN reads CDN_*: nothing set is no CDN; some set is a CDN whose
// missing variables /healthz names (a key left empty by a secret store
// that did not resolve); a bad value is an error naming the variable,
// never the key.
func loadCDN(env func(string) string) (CDN, error) {
	var c CDN
	set := false
	for _, n := range append(append([]string{}, cdnRequired...), cdnOptional...) {
		set = set || env(n) != ""
	}
	if !set {
		return c, nil
	}
	for _, n := range cdnRequired {
		if env(n) == "" {
			c.Missing = append(c.Missing, n)
		}
	}
	if d := env("CDN_DOMAIN"); d != "" {
		if _, err := signer.New(signer.Credentials{SecretID: "x", SecretKey: "x"}, signer.Endpoint{Domain: d}); err != nil {
			return CDN{}, fmt.Errorf("CDN_DOMAIN: %s", signerMessage(err))
		}
		c.Domain = d
	}
	if v := env("CDN_AUTH_TYPE"); v != "" {
		typ, err := cdnauth.ParseType(v)
		if err != nil {
			return CDN{}, fmt.Errorf("CDN_AUTH_TYPE: %v", err)
		}
		c.Auth.Type = typ
	}
	if v := env("CDN_AUTH_TTL"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > MaxCDNTTL {
			return CDN{}, fmt.Errorf("CDN_AUTH_TTL: %q is not a whole number of seconds from 1 to %d (the console's 有效时长)", v, MaxCDNTTL)
		}
		c.TTL = n
	}
	c.Auth.Key = env("CDN_AUTH_KEY")
	c.Auth.SignParam = env("CDN_AUTH_SIGN_PARAM")
	c.Auth.TimeParam = env("CDN_AUTH_TIME_PARAM")
	c.Auth.TimeFormat = cdnauth.TimeFormat(env("CDN_AUTH_TIME_FORMAT"))
	var err error
	if c.AllowQuery, err = boolVar(env, "CDN_ALLOW_QUERY"); err != nil {
		return CDN{}, err
	}
	probe := c.Auth
	if probe.Type == 0 {
		probe.Type = cdnauth.TypeD // to check what is set while the type is missing
	}
	if probe.Key == "" {
		probe.Key = "placeholder"
	}
	if err := probe.Check(); err != nil {
		return CDN{}, fmt.Errorf("%s: %s", cdnVariable(err), err)
	}
	return c, nil
}

// cdnVariable is the variable behind a cdnauth setting.
func cdnVariable(err error) string {
	if se, ok := err.(*cdnauth.SettingError); ok {
		switch se.Setting {
		case cdnauth.SettingKey:
			return "CDN_AUTH_KEY"
		case cdnauth.SettingSignParam:
			return "CDN_AUTH_SIGN_PARAM"
		case cdnauth.SettingTimeParam:
			return "CDN_AUTH_TIME_PARAM"
		case cdnauth.SettingTimeFormat:
			return "CDN_AUTH_TIME_FORMAT"
		}
	}
	return "CDN_AUTH_TYPE"
}
