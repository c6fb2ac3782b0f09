package deploy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/internal/runtimeharness"
)

// TestMakeRunStopsWithMake runs `make run` as a developer does and stops
// make: Ctrl-C (SIGINT to the terminal's process group), `kill <make pid>`
// (SIGTERM to make alone) and kill -9. Each way the server must be gone: a server left behind keeps the port, and the next `make
// run` fails with "address in use".
func TestMakeRunStopsWithMake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	dist := t.TempDir()
	for _, stop := range []struct {
		name string
		kill func(make *os.Process) error
	}{
		{"kill <make pid>", func(p *os.Process) error { return p.Signal(syscall.SIGTERM) }},
		{"Ctrl-C", func(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGINT) }},
		{"kill -9 <make pid>", func(p *os.Process) error { return p.Kill() }}, // make cannot pass it on
	} {
		t.Run(stop.name, func(t *testing.T) {
			port, err := runtimeharness.FreePort()
			require.NoError(t, err)
			cmd := exec.Command("make", "-s", "run", "DIST="+dist)
			cmd.Dir = repoRoot(t)
			cmd.Env = append(withoutEnvPrefix(os.Environ(), "COS_", "SIGN_", "AUTH_", "CORS_", "STS_", "TENCENTCLOUD_", "LISTEN_HOST", "MAKEFLAGS", "PORT"), fmt.Sprintf("PORT=%d", port))
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a process group, as a terminal gives
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			cmd.Stdout = io.Discard
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }) // whatever is left of the group

			listening := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
						listening <- m[1]
					}
				}
				close(listening)
			}()
			var base string
			select {
			case base = <-listening:
			case <-time.After(3 * time.Minute):
				t.Fatal("make run did not start the server")
			}
			assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d", port), base, "demo mode listens on loopback only")
			resp, err := http.Get(base + "/healthz")
			require.NoError(t, err)
			resp.Body.Close()

			require.NoError(t, stop.kill(cmd.Process))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("make did not end")
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
				if err != nil {
					break // nobody listens any more
				}
				c.Close()
				require.True(t, time.Now().Before(deadline), "the server outlived make (%s)", stop.name)
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

// withoutEnvPrefix drops the variables whose names start with a prefix.
func withoutEnvPrefix(env []string, prefixes ...string) []string {
	var out []string
	for _, kv := range env {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
