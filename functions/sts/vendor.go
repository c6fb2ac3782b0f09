package sts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// MaxCacheEntries bounds the cache of one warm instance.
const MaxCacheEntries = 1000

// callTimeout bounds one STS call, whoever waits for it.
const callTimeout = 10 * time.Second

// Vendor hands out credentials: from the per-instance cache when the same
// caller asks for the same policy while at least half of the credentials'
// lifetime remains, else from one STS call that concurrent misses share.
// It is safe for concurrent use.
type Vendor struct {
	cfg     Config
	issuer  Issuer
	now     func() time.Time
	timeout time.Duration // one STS call's limit

	mu      sync.Mutex
	entries map[string]*entry
}

// entry is one cached or in-flight call; done closes when it has finished.
type entry struct {
	done   chan struct{}
	creds  Credentials
	issued int64 // the server's time when STS answered
	err    error
}

// NewVendor builds a Vendor; now is the clock (time.Now when nil).
func NewVendor(cfg Config, issuer Issuer, now func() time.Time) *Vendor {
	if now == nil {
		now = time.Now
	}
	return &Vendor{cfg: cfg, issuer: issuer, now: now, timeout: callTimeout, entries: map[string]*entry{}}
}

// Config is the vendor's configuration.
func (v *Vendor) Config() Config { return v.cfg }

// Vend returns credentials for subject limited by p, and whether no STS
// call was made for this request (a cache hit, or a call another request
// was already making). cacheable false asks STS every time (a key-form
// policy names a fresh key, so it never repeats).
func (v *Vendor) Vend(ctx context.Context, subject string, p *Policy, cacheable bool) (Credentials, bool, *Error) {
	call := Call{Policy: p.JSON(), Subject: subject, Duration: v.cfg.Duration}
	if !cacheable {
		c, err := v.issue(ctx, call)
		if err != nil {
			return Credentials{}, false, MapError(err)
		}
		return c, false, nil
	}
	key := cacheKey(v.cfg.Mode, call)
	v.mu.Lock()
	if e := v.entries[key]; e != nil {
		select {
		case <-e.done:
			if e.err == nil && v.fresh(e) {
				v.mu.Unlock()
				return e.creds, true, nil
			}
		default:
			// Another request is calling STS for the same caller and policy.
			v.mu.Unlock()
			select {
			case <-e.done:
			case <-ctx.Done():
				return Credentials{}, false, MapError(ctx.Err())
			}
			if e.err != nil {
				return Credentials{}, true, MapError(e.err)
			}
			return e.creds, true, nil
		}
	}
	e := &entry{done: make(chan struct{})}
	v.evict()
	v.entries[key] = e
	v.mu.Unlock()

	// The call outlives this request's cancellation: others may wait on it.
	e.creds, e.err = v.issue(context.WithoutCancel(ctx), call)
	e.issued = v.now().Unix()
	close(e.done)
	if e.err != nil {
		v.mu.Lock()
		if v.entries[key] == e {
			delete(v.entries, key)
		}
		v.mu.Unlock()
		return Credentials{}, false, MapError(e.err)
	}
	return e.creds, false, nil
}

func (v *Vendor) issue(ctx context.Context, call Call) (Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	return v.issuer.Issue(ctx, call)
}

// fresh: at least half of the lifetime STS gave remains.
func (v *Vendor) fresh(e *entry) bool {
	now := v.now().Unix()
	return e.creds.ExpiredTime > now && 2*(e.creds.ExpiredTime-now) >= e.creds.ExpiredTime-e.issued
}

// evict makes room for one entry (v.mu held): stale entries go first, then
// the oldest finished ones.
func (v *Vendor) evict() {
	if len(v.entries) < MaxCacheEntries {
		return
	}
	var oldest string
	var oldestAt int64
	for k, e := range v.entries {
		select {
		case <-e.done:
		default:
			continue
		}
		if e.err != nil || !v.fresh(e) {
			delete(v.entries, k)
			continue
		}
		if oldest == "" || e.issued < oldestAt {
			oldest, oldestAt = k, e.issued
		}
	}
	if len(v.entries) >= MaxCacheEntries && oldest != "" {
		delete(v.entries, oldest)
	}
}

func cacheKey(mode string, c Call) string {
	h := sha256.New()
	for _, s := range []string{mode, c.Subject, c.Policy, strconv.FormatInt(c.Duration, 10)} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Answer is the /sts answer: the names the SDKs' getAuthorization callback
// reads, and the lower-case ones of Tencent's /sts demo backend. Times are
// Unix seconds; StartTime is the server's time of this answer, since the
// SDKs sign StartTime;StartTime+Expires and a client's clock may be wrong.
type Answer struct {
	TmpSecretID   string    `json:"TmpSecretId"`
	TmpSecretKey  string    `json:"TmpSecretKey"`
	SecurityToken string    `json:"SecurityToken"`
	StartTime     int64     `json:"StartTime"`
	ExpiredTime   int64     `json:"ExpiredTime"`
	ScopeLimit    bool      `json:"ScopeLimit,omitempty"`
	Bucket        string    `json:"Bucket,omitempty"`
	Region        string    `json:"Region,omitempty"`
	Key           string    `json:"Key,omitempty"`
	Credentials   DemoCreds `json:"credentials"`
	StartTimeDemo int64     `json:"startTime"`
	ExpiredDemo   int64     `json:"expiredTime"`
	Expiration    string    `json:"expiration"`
	ServerTime    int64     `json:"serverTime"`
}

// DemoCreds is the demo answer's credentials object.
type DemoCreds struct {
	TmpSecretID  string `json:"tmpSecretId"`
	TmpSecretKey string `json:"tmpSecretKey"`
	SessionToken string `json:"sessionToken"`
}

// NewAnswer is the answer for c at the server's time now.
func NewAnswer(c Credentials, now time.Time) Answer {
	t := now.Unix()
	return Answer{TmpSecretID: c.TmpSecretID, TmpSecretKey: c.TmpSecretKey, SecurityToken: c.Token,
		StartTime: t, ExpiredTime: c.ExpiredTime,
		Credentials:   DemoCreds{TmpSecretID: c.TmpSecretID, TmpSecretKey: c.TmpSecretKey, SessionToken: c.Token},
		StartTimeDemo: t, ExpiredDemo: c.ExpiredTime, Expiration: c.Expiration, ServerTime: t}
}
