package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"golang.org/x/time/rate"
)

// AUTH_JWKS_URL: an issuer's key set, fetched by jwkset (the storage under
// github.com/MicahParks/keyfunc/v3): on first use, again on a schedule (so a
// revoked key goes), and when a token names a kid the set lacks (a rotation),
// at most once per unknownKIDEvery. Every fetched key passes the same checks
// as an inline AUTH_JWKS key before it can verify anything.
const (
	jwksRefreshEvery = 15 * time.Minute
	unknownKIDEvery  = time.Minute
	jwksFetchTimeout = 5 * time.Second
	maxJWKSBytes     = 1 << 20
	maxJWKSRedirects = 3
)

// jwksURLError is what AUTH_JWKS_URL must be; the URL itself is not echoed.
const jwksURLError = "AUTH_JWKS_URL must be an https:// URL (http:// only for a loopback host such as 127.0.0.1 or localhost)"

// checkJWKSURL admits https, and http only to this machine: a key set
// fetched in the clear could be swapped by anyone on the path.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return errors.New(jwksURLError)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return errors.New(jwksURLError)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// remoteKeys is a key set behind a URL. The fetch happens on the first
// token, not at start, so a cold start never waits on the issuer.
type remoteKeys struct {
	url             string
	client          *http.Client
	refreshEvery    time.Duration
	unknownKIDEvery time.Duration

	once       sync.Once
	store      jwkset.Storage // the library's client: fetch, schedule, unknown-kid refresh
	unknownKID *rate.Limiter  // how often a kid the set lacks may fetch it again

	mu   sync.RWMutex
	keys map[string]publicKey // the usable keys of the last fetch, by kid
	log  *slog.Logger
}

func newRemoteKeys(raw string) (*remoteKeys, error) {
	if err := checkJWKSURL(raw); err != nil {
		return nil, err
	}
	r := &remoteKeys{url: raw, refreshEvery: jwksRefreshEvery, unknownKIDEvery: unknownKIDEvery}
	r.client = &http.Client{
		Timeout:   jwksFetchTimeout,
		Transport: limitedBody{http.DefaultTransport},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxJWKSRedirects {
				return errors.New("too many redirects")
			}
			return checkJWKSURL(req.URL.String())
		},
	}
	return r, nil
}

func (r *remoteKeys) logger() *slog.Logger {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.log == nil {
		return slog.Default()
	}
	return r.log
}

func (r *remoteKeys) setLogger(l *slog.Logger) {
	r.mu.Lock()
	r.log = l
	r.mu.Unlock()
}

// start builds the library's storage, which fetches the set once before it
// returns (a failed fetch leaves the set empty; the next unknown kid, or
// the schedule, tries again).
func (r *remoteKeys) start() {
	failed := func(ctx context.Context, err error) {
		r.logger().Warn("AUTH_JWKS_URL: fetching the key set failed; tokens signed with keys not yet fetched are refused", "error", err.Error())
	}
	fetched, err := jwkset.NewStorageFromHTTP(r.url, jwkset.HTTPClientStorageOptions{
		Client:                    r.client,
		HTTPTimeout:               jwksFetchTimeout,
		NoErrorReturnFirstHTTPReq: true,
		RefreshErrorHandler:       failed,
		RefreshInterval:           r.refreshEvery,
		// signingKey checks each key, and leaves out only the bad one; the
		// library's own validation would drop the whole set for it.
		ValidateOptions: jwkset.JWKValidateOptions{SkipAll: true},
		Storage:         &checkedStorage{MemoryJWKSet: jwkset.NewMemoryStorage(), owner: r},
	})
	if err == nil {
		r.store, err = jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
			HTTPURLs: map[string]jwkset.Storage{r.url: fetched},
			// key asks only when r.unknownKID allows it (the library's own
			// limiter would make a token wait, and its wait bounds the fetch).
			RefreshUnknownKID: rate.NewLimiter(rate.Inf, 1),
		})
		r.unknownKID = rate.NewLimiter(rate.Every(r.unknownKIDEvery), 1)
	}
	if err != nil { // only for a URL that checkJWKSURL admitted: not expected
		r.logger().Error("AUTH_JWKS_URL: cannot fetch the key set", "error", err.Error())
	}
}

// key finds the key a token names. A kid the set lacks makes the library
// fetch the set again (rate-limited); a token without kid may use the set's
// key without kid, or its only key, as with AUTH_JWKS.
func (r *remoteKeys) key(kid any) (publicKey, bool) {
	r.once.Do(r.start)
	if k, ok := r.lookup(kid); ok {
		return k, true
	}
	s, isString := kid.(string)
	// An unknown kid never waits: it is refused at once when the set was
	// fetched for one too recently.
	if !isString || r.store == nil || !r.unknownKID.Allow() {
		return publicKey{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), jwksFetchTimeout)
	defer cancel()
	if _, err := r.store.KeyRead(ctx, s); err != nil {
		return publicKey{}, false
	}
	return r.lookup(kid)
}

func (r *remoteKeys) lookup(kid any) (publicKey, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return keyByKid(r.keys, kid)
}

// replace takes a freshly fetched set: its usable keys replace the old
// ones; a broken key is logged by kid and left out, never the whole set.
func (r *remoteKeys) replace(set []jwkset.JWK) []jwkset.JWK {
	keys := make(map[string]publicKey, len(set))
	kept := make([]jwkset.JWK, 0, len(set))
	log := r.logger()
	for i, j := range set {
		m := j.Marshal()
		k := jwk{Kty: string(m.KTY), Kid: m.KID, Use: string(m.USE), Alg: string(m.ALG), N: m.N, E: m.E, Crv: string(m.CRV), X: m.X, Y: m.Y}
		key, ok, err := signingKey(k)
		switch {
		case err != nil:
			log.Warn(fmt.Sprintf("AUTH_JWKS_URL: key %d (kid %q) %v; it is left out", i, k.Kid, err))
			continue
		case !ok:
			continue
		}
		if _, dup := keys[k.Kid]; dup {
			log.Warn(fmt.Sprintf("AUTH_JWKS_URL: more than one key with kid %q; only the first is used", k.Kid))
			continue
		}
		keys[k.Kid] = key
		kept = append(kept, j)
	}
	r.mu.Lock()
	r.keys = keys
	r.mu.Unlock()
	return kept
}

// checkedStorage is the library's memory storage, with every fetched set
// passed through replace before it is stored.
type checkedStorage struct {
	*jwkset.MemoryJWKSet
	owner *remoteKeys
}

func (s *checkedStorage) KeyReplaceAll(ctx context.Context, given []jwkset.JWK) error {
	return s.MemoryJWKSet.KeyReplaceAll(ctx, s.owner.replace(given))
}

// limitedBody caps a key set's size: the issuer is trusted for keys, not
// for how much memory it may take.
type limitedBody struct{ next http.RoundTripper }

func (l limitedBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err == nil {
		resp.Body = http.MaxBytesReader(nil, resp.Body, maxJWKSBytes)
	}
	return resp, err
}
