package runtimeharness

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Web is a running HTTP server binary (an SCF web function or the local
// server), listening on PORT.
type Web struct {
	*process
	// URL is the server's base URL, http://127.0.0.1:<port>.
	URL string
	// Client talks to it; it does not follow redirects, so a 302 is seen
	// as sent.
	Client *http.Client
}

// StartWeb execs binary with PORT set to a free port and returns once the
// port accepts connections.
func StartWeb(ctx context.Context, binary string, opts Options) (*Web, error) {
	return retryPortClash(func() (*Web, error) { return startWeb(ctx, binary, opts) })
}

func startWeb(ctx context.Context, binary string, opts Options) (*Web, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	p, err := startProcess(binary, []string{"PORT=" + strconv.Itoa(port)}, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	err = waitFor(ctx, p, 500*time.Microsecond, func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return err
		}
		return c.Close()
	})
	if err != nil {
		p.stop()
		return nil, err
	}
	return &Web{
		process: p,
		URL:     "http://" + addr,
		Client: &http.Client{
			Timeout:       opts.timeout(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// Close kills the server and its process group.
func (w *Web) Close() error {
	w.Client.CloseIdleConnections()
	w.stop()
	return nil
}
