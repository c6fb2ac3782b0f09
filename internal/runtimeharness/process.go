// Package runtimeharness runs built function binaries the way their platforms
// do: an SCF Go1 binary over net/rpc (scf-go-lib's protocol), an AWS Lambda
// provided.al2023 bootstrap against a local Runtime API, and a web function
// over plain HTTP. Tests, benchmarks and cmd/invoke drive the real shipped
// binaries through it, so nothing between the event and the answer is mocked.
package runtimeharness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout bounds start-up and each invocation when Options leave it
// unset.
const DefaultTimeout = 10 * time.Second

// Options configure a started binary.
type Options struct {
	// Env is the child's environment ("NAME=value"), on top of a minimal
	// base (PATH, HOME, TZ) and the platform's own variables. The parent's
	// environment is not inherited, so runs are reproducible.
	Env []string
	// Args are passed to the binary.
	Args []string
	// Timeout bounds start-up and each invocation; DefaultTimeout when zero.
	Timeout time.Duration
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// process is a started child in its own process group, with its output
// captured.
type process struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when the child has exited
	err  error         // the exit status, valid after done
	once sync.Once
}

// startProcess execs binary with the base environment, the platform's
// variables and opts.Env (later entries win).
func startProcess(binary string, platformEnv []string, opts Options) (*process, error) {
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("runtimeharness: binary: %w", err)
	}
	cmd := exec.Command(binary, opts.Args...)
	cmd.Dir = filepath.Dir(binary) // it runs in its own directory
	cmd.Env = append(append(baseEnv(), platformEnv...), opts.Env...)
	// Own process group: teardown kills whatever the binary started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("runtimeharness: start %s: %w", binary, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Log is everything the child has written to stdout and stderr so far; it
// is complete once Close has returned (output is copied asynchronously).
func (p *process) Log() string { return p.log.String() }

// LogOffset is the current length of Log, to pass to LogSince later.
func (p *process) LogOffset() int { return p.log.Len() }

// LogSince is what the child has written since LogOffset returned off: the
// log lines of one invocation.
func (p *process) LogSince(off int) string { return p.log.since(off) }

// CPUTime is the CPU time (user and system) the child has used so far, as
// the kernel accounts it in /proc/<pid>/stat: clock ticks of 10 ms, so a
// load benchmark reads it over many requests.
func (p *process) CPUTime() (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("runtimeharness: cpu time: %w", err)
	}
	return statCPUTime(raw)
}

// statCPUTime reads utime and stime from a /proc/<pid>/stat line. The
// command name, field 2, is in parentheses and may hold spaces and
// parentheses itself: the fields after its last closing one are counted.
func statCPUTime(raw []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(raw, ')')
	fields := strings.Fields(string(raw[i+1:]))
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("runtimeharness: cpu time: unreadable /proc stat %q", raw)
	}
	var ticks int64
	for _, f := range fields[11:13] { // fields 14 and 15: utime, stime
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("runtimeharness: cpu time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// clockTick is the unit of /proc/<pid>/stat times (USER_HZ, 100 on every
// Linux the harness runs on).
const clockTick = 10 * time.Millisecond

// Exited is closed when the child has ended.
func (p *process) Exited() <-chan struct{} { return p.done }

// exited reports the child's end as an error, with its captured output so a
// crash explains itself.
func (p *process) exited() error {
	return fmt.Errorf("runtimeharness: %s exited (%v); its output:\n%s", p.cmd.Path, p.err, p.log.String())
}

// stop kills the process group and waits for the child; safe to call twice.
func (p *process) stop() {
	p.once.Do(func() {
		select {
		case <-p.done:
		default:
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	})
}

func baseEnv() []string {
	env := []string{"TZ=UTC"}
	for _, name := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// retryPortClash retries start when the child could not bind its port:
// FreePort's port can be taken by someone else before the child binds it.
func retryPortClash[T any](start func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for attempt := 0; attempt < 3; attempt++ {
		v, err = start()
		if err == nil || !strings.Contains(err.Error(), "address already in use") {
			return v, err
		}
	}
	return v, err
}

// waitFor calls try every interval until it succeeds, ctx ends or the
// process exits.
func waitFor(ctx context.Context, p *process, interval time.Duration, try func() error) error {
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return p.exited()
		case <-ctx.Done():
			return fmt.Errorf("runtimeharness: %s not ready: %w (last: %v); its output:\n%s", p.cmd.Path, ctx.Err(), err, p.log.String())
		case <-time.After(interval):
		}
	}
}

// FunctionError is a function's own failure, as its platform reports it: the
// handler's error or panic, not a harness problem.
type FunctionError struct {
	// Type is the error type the runtime reports (Lambda's errorType, SCF's
	// Type).
	Type string `json:"errorType"`
	// Message is the error message.
	Message string `json:"errorMessage"`
	// ShouldExit is set after a panic: the runtime expects the process to
	// end.
	ShouldExit bool `json:"shouldExit,omitempty"`
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// AsFunctionError returns the function error in err, if any.
func AsFunctionError(err error) (*FunctionError, bool) {
	var fe *FunctionError
	ok := errors.As(err, &fe)
	return fe, ok
}

// syncBuffer is a bytes.Buffer safe for the child's writers and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *syncBuffer) since(off int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if off > b.buf.Len() {
		return ""
	}
	return string(b.buf.Bytes()[off:])
}
