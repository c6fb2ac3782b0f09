package interoptest

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Page serves interop/browser/index.html, the SDK's dist build and the
// shared flows to headless Chromium, hands the page its configuration
// (/config) and collects what it reports (/report).
type Page struct {
	srv     *httptest.Server
	dir     string // interop/
	bundles string // what Bundle built, served at /bundle/

	mu      sync.Mutex
	cfg     map[string]string
	results map[string]Result
	done    chan struct{}
	t       testing.TB
}

// NewPage starts a page server; its origin (URL) is what the service's
// CORS_ALLOWED_ORIGINS must admit.
func NewPage(t testing.TB) *Page {
	t.Helper()
	dir := Dir(t)
	p := &Page{dir: dir, bundles: t.TempDir(), results: map[string]Result{}, done: make(chan struct{}), t: t}
	writeRecipeModule(t, p.bundles) // /bundle/recipes.js
	mux := http.NewServeMux()
	mux.Handle("/bundle/", http.StripPrefix("/bundle/", http.FileServer(http.Dir(p.bundles))))
	mux.Handle("/sdk/", http.StripPrefix("/sdk/", http.FileServer(http.Dir(filepath.Join(dir, "node_modules", "cos-js-sdk-v5", "dist")))))
	mux.Handle("/lib/", http.StripPrefix("/lib/", http.FileServer(http.Dir(filepath.Join(dir, "lib")))))
	mux.Handle("/browser/", http.StripPrefix("/browser/", http.FileServer(http.Dir(filepath.Join(dir, "browser")))))
	mux.HandleFunc("/config", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p.cfg)
	})
	mux.HandleFunc("/report", p.report)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the page server's origin.
func (p *Page) URL() string { return p.srv.URL }

func (p *Page) report(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Result   *Result `json:"result"`
		Progress string  `json:"progress"`
		Done     bool    `json:"done"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case m.Result != nil:
		p.results[m.Result.Flow] = *m.Result
	case m.Progress != "":
		p.t.Logf("browser: %s", m.Progress)
	case m.Done:
		select {
		case <-p.done:
		default:
			close(p.done)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// Bundle builds interop/<entry> and what it imports from node_modules into
// one script, as a page's own build would (esbuild, pinned in
// interop/package-lock.json: the machine may reach no CDN), served at
// /bundle/<name>.
func (p *Page) Bundle(t testing.TB, entry, name string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(p.dir, "node_modules", ".bin", "esbuild"), entry, "--bundle", "--format=iife",
		"--target=chrome120", "--log-level=warning", "--outfile="+filepath.Join(p.bundles, name))
	cmd.Dir = p.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild %s: %v\n%s", entry, err, out)
	}
}

// Chromium is the browser binary: $CHROMIUM, or Debian's /usr/bin/chromium.
func Chromium(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("%s not found: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM", bin)
	}
	return bin
}

// Run opens interop/browser/index.html; see RunPage.
func (p *Page) Run(t testing.TB, e *Env, vars map[string]string) map[string]Result {
	t.Helper()
	return p.RunPage(t, "index.html", e, vars)
}

// RunPage opens interop/browser/<page> in headless Chromium with e's service and fake COS
// (COS hosts go through the fake COS as Chromium's proxy; loopback, where
// the page and the service are, is reached directly) and vars, and returns
// the flows the page reported.
func (p *Page) RunPage(t testing.TB, page string, e *Env, vars map[string]string) map[string]Result {
	t.Helper()
	cfg := map[string]string{"SIGNER_URL": e.Signer.URL, "COS_BUCKET": Bucket, "COS_REGION": Region, "COS_HOST": Host}
	maps.Copy(cfg, vars)
	p.mu.Lock()
	p.cfg = cfg
	done := p.done
	p.mu.Unlock()

	profile := t.TempDir()
	cmd := exec.Command(Chromium(t), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+profile, "--proxy-server="+e.COS.URL, "--remote-debugging-port=0",
		p.srv.URL+"/browser/"+page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers end with it
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	select {
	case <-done:
		stop()
	case err := <-exited:
		t.Fatalf("chromium ended before the page was done (%v): %s", err, stderr.String())
	case <-time.After(90 * time.Second):
		stop()
		t.Fatalf("the page did not finish within 90 s; chromium said: %s", stderr.String())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.results
	p.results = map[string]Result{}
	p.done = make(chan struct{})
	return out
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) < 64<<10 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
