package sts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxCacheEntries bounds the cache of one warm instance.
const MaxCacheEntries = 1000

// maxLimiters bounds the per-caller rate limiters one instance keeps.
const maxLimiters = 10000

// callTimeout bounds one STS call, whoever waits for it.
const callTimeout = 10 * time.Second

// Backoff while STS throttles or cannot be reached: the first failure
// holds calls for at least backoffBase (or STS's Retry-After), each further
// one doubles it up to backoffMax, with up to half again of jitter so that
// instances do not retry in step.
const (
	backoffBase = time.Second
	backoffMax  = 30 * time.Second
)

// maxInFlight bounds the STS calls one instance makes at once: a burst of
// new callers while STS fails costs STS this many calls before the first
// failure opens the breaker (and, while STS is well, a few hundred calls a
// second at its usual latency).
const maxInFlight = 4

// refusalMemory is how long a caller's refused policy is answered from
// memory (STS refuses the same policy the same way).
const refusalMemory = 10 * time.Second

// Vendor hands out credentials: from the per-instance cache when the same
// caller holds credentials that cover the policy asked for while at least
// half of their lifetime remains, else from one STS call that concurrent
// misses share. Calls are limited per caller (Config.CallerRate), and while
// STS throttles or cannot be reached a breaker answers from the last
// failure instead of calling again. It is safe for concurrent use.
type Vendor struct {
	cfg     Config
	issuer  Issuer
	now     func() time.Time
	timeout time.Duration // one STS call's limit
	jitter  func() float64

	mu       sync.Mutex
	entries  map[string]*entry
	limiters map[string]*rate.Limiter
	breaker  breaker
	slots    chan struct{} // one per STS call in flight
}

// entry is one cached or in-flight call; done closes when it has finished.
type entry struct {
	subject string
	policy  *Policy
	done    chan struct{}
	creds   Credentials
	issued  int64 // the server's time when STS answered
	err     error
	until   time.Time // a refusal is remembered until then
}

// breaker remembers that STS throttles or cannot be reached: until open
// ends nothing calls it; then one call (trial) tries again.
type breaker struct {
	failures int
	open     time.Time
	trial    bool
	last     *Error
}

// NewVendor builds a Vendor; now is the clock (time.Now when nil).
func NewVendor(cfg Config, issuer Issuer, now func() time.Time) *Vendor {
	if now == nil {
		now = time.Now
	}
	return &Vendor{cfg: cfg, issuer: issuer, now: now, timeout: callTimeout, jitter: rand.Float64,
		entries: map[string]*entry{}, limiters: map[string]*rate.Limiter{}, slots: make(chan struct{}, maxInFlight)}
}

// Config is the vendor's configuration.
func (v *Vendor) Config() Config { return v.cfg }

// Vend returns credentials for subject covering p, and whether no STS call
// was made for this request (cached credentials that cover p, or a call
// another request was already making). store false keeps a new
// credential out of the cache (a key-form policy names a fresh key, so it
// never repeats).
func (v *Vendor) Vend(ctx context.Context, subject string, p *Policy, store bool) (Credentials, bool, *Error) {
	call := Call{Policy: p.JSON(), Subject: subject, Duration: v.cfg.Duration}
	key := cacheKey(v.cfg.Mode, call)
	slot := false // this request holds one of the in-flight slots
	defer func() {
		if slot {
			<-v.slots
		}
	}()
	for {
		now := v.now()
		v.mu.Lock()
		if e := v.entries[key]; e != nil {
			select {
			case <-e.done:
				switch {
				case e.err == nil && v.fresh(e):
					v.mu.Unlock()
					return e.creds, true, nil
				case e.err != nil && now.Before(e.until):
					v.mu.Unlock()
					return Credentials{}, true, MapError(e.err)
				}
			default:
				// Another request is calling STS for the same caller and
				// policy: wait for it, holding no slot.
				v.mu.Unlock()
				if slot {
					<-v.slots
					slot = false
				}
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
		if c, ok := v.covering(subject, p); ok {
			v.mu.Unlock()
			return c, true, nil
		}
		if err := v.breaker.admit(now, false); err != nil {
			v.mu.Unlock()
			return Credentials{}, true, err
		}
		if !slot {
			// Wait for a slot, then look again: while this request waited,
			// another may have filled the cache, or learnt that STS fails.
			v.mu.Unlock()
			select {
			case v.slots <- struct{}{}:
				slot = true
				continue
			case <-ctx.Done():
				return Credentials{}, false, MapError(ctx.Err())
			}
		}
		if err := v.breaker.admit(now, true); err != nil {
			v.mu.Unlock()
			return Credentials{}, true, err
		}
		if err := v.allow(subject, now); err != nil {
			v.breaker.trial = false
			v.mu.Unlock()
			return Credentials{}, true, err
		}
		break
	}
	e := &entry{subject: subject, policy: p, done: make(chan struct{})}
	if store {
		v.evict()
		v.entries[key] = e
	}
	v.mu.Unlock()

	// The call outlives this request's cancellation: others may wait on it.
	e.creds, e.err = v.issue(context.WithoutCancel(ctx), call)
	e.issued = v.now().Unix()
	var mapped *Error
	if e.err != nil {
		mapped = MapError(e.err)
	}
	v.mu.Lock()
	if _, local := errors.AsType[*Error](e.err); local {
		// The service's keys could not sign the call (gone, expired): STS
		// was not asked, and says nothing about its health.
		v.breaker.trial = false
	} else {
		v.breaker.record(v.now(), mapped, v.jitter())
	}
	if mapped != nil {
		if mapped.Code == codeRefused {
			e.until = v.now().Add(refusalMemory)
		} else if v.entries[key] == e {
			delete(v.entries, key)
		}
	}
	close(e.done)
	v.mu.Unlock()
	if mapped != nil {
		return Credentials{}, false, mapped
	}
	return e.creds, false, nil
}

// covering finds fresh credentials of subject whose policy allows all
// that p allows (v.mu held): a prefix-form credential covers a key or a
// scope under its folders.
func (v *Vendor) covering(subject string, p *Policy) (Credentials, bool) {
	for _, e := range v.entries {
		if e.subject != subject {
			continue
		}
		select {
		case <-e.done:
		default:
			continue
		}
		if e.err == nil && v.fresh(e) && e.policy.Covers(p) {
			return e.creds, true
		}
	}
	return Credentials{}, false
}

// allow takes one of subject's STS calls (v.mu held), or says when the
// next one is due.
func (v *Vendor) allow(subject string, now time.Time) *Error {
	if v.cfg.CallerRate <= 0 {
		return nil
	}
	l := v.limiters[subject]
	if l == nil {
		if len(v.limiters) >= maxLimiters {
			// Drop the callers whose bucket has refilled: they lose nothing.
			for k, old := range v.limiters {
				if old.TokensAt(now) >= float64(old.Burst()) {
					delete(v.limiters, k)
				}
			}
			if len(v.limiters) >= maxLimiters {
				clear(v.limiters)
			}
		}
		l = rate.NewLimiter(rate.Limit(v.cfg.CallerRate/60), v.cfg.CallerBurst)
		v.limiters[subject] = l
	}
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return rateLimited(d)
	}
	return nil
}

// admit says whether a call may go to STS now (v.mu held): not while the
// breaker is open, and only one trial call once it has run out (taken
// when take is set).
func (b *breaker) admit(now time.Time, take bool) *Error {
	if b.last == nil {
		return nil
	}
	if now.Before(b.open) || b.trial {
		e := *b.last
		e.RetryAfter = max(1, int(math.Ceil(b.open.Sub(now).Seconds())))
		return &e
	}
	b.trial = take
	return nil
}

// record takes a call's outcome (v.mu held): success closes the breaker;
// throttling or unavailability opens it for the backoff.
func (b *breaker) record(now time.Time, err *Error, jitter float64) {
	b.trial = false
	if err == nil || err.Code == codeRefused {
		b.failures, b.last = 0, nil
		return
	}
	if b.last != nil && now.Before(b.open) {
		return // a call made before the breaker opened: its failure is known
	}
	b.failures++
	d := backoffBase << min(b.failures-1, 5)
	d = min(max(d, time.Duration(err.RetryAfter)*time.Second), backoffMax)
	d += time.Duration(jitter * float64(d) / 2)
	b.open, b.last = now.Add(d), err
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

// evict makes room for one entry (v.mu held): stale and failed entries go
// first, then the oldest finished ones.
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
