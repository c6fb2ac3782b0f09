package runtimeharness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// LambdaFunctionARN is the function ARN the fake Runtime API reports.
const LambdaFunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:cos-signer"

// Lambda is a running provided.al2023 bootstrap (aws-lambda-go), served by
// a local Runtime API (2018-06-01) that hands it one event at a time.
type Lambda struct {
	*process
	opts     Options
	server   *http.Server
	listener net.Listener

	mu      sync.Mutex // one invocation at a time, like one Lambda sandbox
	counter atomic.Int64
	queue   chan *lambdaInvocation // events waiting for GET /next

	// current is the invocation waiting for an answer; one at a time as
	// Invoke holds mu, but read by the Runtime API's handlers.
	current atomic.Pointer[lambdaInvocation]

	ready       chan struct{} // closed at the first GET /next
	readyOnce   sync.Once
	initFailed  chan struct{} // closed at the bootstrap's /runtime/init/error
	initOnce    sync.Once
	initFailure *FunctionError
	closed      chan struct{}
}

type lambdaInvocation struct {
	id       string
	event    []byte
	deadline time.Time
	result   chan lambdaResult
}

type lambdaResult struct {
	payload []byte
	err     *FunctionError
}

// StartLambda serves a Runtime API on a free 127.0.0.1 port and execs
// binary with AWS_LAMBDA_RUNTIME_API pointing at it. It does not wait for
// the bootstrap: the first Invoke does (Ready waits explicitly).
func StartLambda(ctx context.Context, binary string, opts Options) (*Lambda, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &Lambda{
		opts:       opts,
		listener:   ln,
		queue:      make(chan *lambdaInvocation, 1),
		ready:      make(chan struct{}),
		initFailed: make(chan struct{}),
		closed:     make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", l.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", l.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", l.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", l.initError)
	l.server = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = l.server.Serve(ln) }()

	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=cos-signer",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + filepath.Dir(binary),
	}
	p, err := startProcess(binary, env, opts)
	if err != nil {
		l.shutdown()
		return nil, err
	}
	l.process = p
	return l, nil
}

// Ready waits until the bootstrap first asks for an event.
func (l *Lambda) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, l.opts.timeout())
	defer cancel()
	select {
	case <-l.ready:
		return nil
	case <-l.initFailed:
		return fmt.Errorf("runtimeharness: init failed: %w", l.initFailure)
	case <-l.done:
		return l.exited()
	case <-ctx.Done():
		return fmt.Errorf("runtimeharness: bootstrap not ready: %w; its output:\n%s", ctx.Err(), l.Log())
	}
}

// Invoke hands one event to the bootstrap and returns its response, or a
// *FunctionError when it posted to the /error path.
func (l *Lambda) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	timeout := l.opts.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	n := l.counter.Add(1)
	inv := &lambdaInvocation{
		id:       fmt.Sprintf("%08d-0000-4000-8000-%012d", n, n),
		event:    event,
		deadline: time.Now().Add(timeout),
		result:   make(chan lambdaResult, 1),
	}
	l.current.Store(inv)
	defer l.current.Store(nil)
	select {
	case l.queue <- inv:
	case <-ctx.Done():
		return nil, fmt.Errorf("runtimeharness: queue event: %w", ctx.Err())
	}
	select {
	case r := <-inv.result:
		if r.err != nil {
			return nil, r.err
		}
		return r.payload, nil
	case <-l.initFailed:
		return nil, fmt.Errorf("runtimeharness: init failed: %w", l.initFailure)
	case <-l.done:
		return nil, l.exited()
	case <-ctx.Done():
		// Drop an event the bootstrap never picked up.
		select {
		case <-l.queue:
		default:
		}
		return nil, fmt.Errorf("runtimeharness: invocation %s: %w; output:\n%s", inv.id, ctx.Err(), l.Log())
	}
}

// next is the bootstrap's long poll for its next event.
func (l *Lambda) next(w http.ResponseWriter, r *http.Request) {
	l.readyOnce.Do(func() { close(l.ready) })
	select {
	case inv := <-l.queue:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", LambdaFunctionARN)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.event)
	case <-r.Context().Done():
	case <-l.closed:
	}
}

func (l *Lambda) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	// A response streamed with a failure reports it in trailers.
	if t := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); t != "" {
		l.deliver(w, r.PathValue("id"), lambdaResult{err: &FunctionError{Type: t, Message: r.Trailer.Get("Lambda-Runtime-Function-Error-Body")}})
		return
	}
	l.deliver(w, r.PathValue("id"), lambdaResult{payload: body})
}

func (l *Lambda) invocationError(w http.ResponseWriter, r *http.Request) {
	fe, err := readFunctionError(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	l.deliver(w, r.PathValue("id"), lambdaResult{err: fe})
}

func (l *Lambda) initError(w http.ResponseWriter, r *http.Request) {
	fe, err := readFunctionError(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	l.initOnce.Do(func() {
		l.initFailure = fe
		close(l.initFailed)
	})
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

// readFunctionError decodes the Runtime API's error body
// {errorMessage, errorType, stackTrace}.
func readFunctionError(r *http.Request) (*FunctionError, error) {
	var body struct {
		Message    string `json:"errorMessage"`
		Type       string `json:"errorType"`
		ShouldExit bool   `json:"shouldExit"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 6<<20)).Decode(&body); err != nil {
		return nil, errors.New("error body: " + err.Error())
	}
	if body.Type == "" {
		body.Type = r.Header.Get("Lambda-Runtime-Function-Error-Type")
	}
	return &FunctionError{Type: body.Type, Message: body.Message, ShouldExit: body.ShouldExit}, nil
}

func (l *Lambda) deliver(w http.ResponseWriter, id string, res lambdaResult) {
	// The swap makes a second answer for the same id an unknown one.
	inv := l.current.Load()
	if inv == nil || inv.id != id || !l.current.CompareAndSwap(inv, nil) {
		// The real API answers an unknown or finished id with 400.
		http.Error(w, `{"errorType":"InvalidRequestID","errorMessage":"unknown request id"}`, http.StatusBadRequest)
		return
	}
	inv.result <- res
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

// Close kills the bootstrap and stops the Runtime API.
func (l *Lambda) Close() error {
	if l.process != nil {
		l.stop()
	}
	l.shutdown()
	return nil
}

func (l *Lambda) shutdown() {
	select {
	case <-l.closed:
		return
	default:
		close(l.closed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = l.server.Shutdown(ctx)
}
