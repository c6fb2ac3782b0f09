package runtimeharness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/rpc"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tencentyun/scf-go-lib/cloudfunction/messages"
)

// SCF is a running scf-go-lib binary (Tencent SCF's Go1 runtime), driven
// over net/rpc as the platform does: _LAMBDA_SERVER_PORT, Function.Ping, then
// Function.Invoke per event.
type SCF struct {
	*process
	client  *rpc.Client
	opts    Options
	mu      sync.Mutex // one invocation at a time, like one SCF instance
	counter atomic.Int64
}

// SCFFunctionName is the function name the harness reports.
const SCFFunctionName = "cos-signer"

// StartSCF execs binary with _LAMBDA_SERVER_PORT on a free port and returns
// once Function.Ping answers.
func StartSCF(ctx context.Context, binary string, opts Options) (*SCF, error) {
	return retryPortClash(func() (*SCF, error) { return startSCF(ctx, binary, opts) })
}

func startSCF(ctx context.Context, binary string, opts Options) (*SCF, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	env := []string{
		"_LAMBDA_SERVER_PORT=" + strconv.Itoa(port),
		"FUNCTION_NAME=" + SCFFunctionName,
		"FUNCTION_MEMORY_SIZE=128",
		"FUNCTION_VERSION=$LATEST",
		"SCF_RUNTIME=Go1",
		"TENCENTCLOUD_REGION=ap-guangzhou",
	}
	p, err := startProcess(binary, env, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	s := &SCF{process: p, opts: opts}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	err = waitFor(ctx, p, 500*time.Microsecond, func() error {
		c, err := rpc.Dial("tcp", addr)
		if err != nil {
			return err
		}
		s.client = c
		return nil
	})
	if err == nil {
		err = s.call(ctx, "Function.Ping", &messages.PingRequest{}, &messages.PingResponse{})
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Invoke sends one event and returns the handler's JSON payload, or a
// *FunctionError when the function failed the invocation.
func (s *SCF) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	return s.InvokeWithEnvironment(ctx, event, nil)
}

// InvokeWithEnvironment is Invoke with the invocation's Environment, the
// variables SCF hands each invocation (the function role's current keys
// among them), which scf-go-lib sets into the process before the handler.
func (s *SCF) InvokeWithEnvironment(ctx context.Context, event []byte, env map[string]string) ([]byte, error) {
	var environment string
	if len(env) > 0 {
		b, err := json.Marshal(env)
		if err != nil {
			return nil, err
		}
		environment = string(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	timeout := s.opts.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// The deadline is absolute: a zero one would be already expired.
	deadline := time.Now().Add(timeout)
	n := s.counter.Add(1)
	req := &messages.InvokeRequest{
		Payload:         event,
		RequestId:       fmt.Sprintf("scf-%08d-0000-4000-8000-%012d", n, n),
		Deadline:        messages.InvokeRequest_Timestamp{Seconds: deadline.Unix(), Nanos: int64(deadline.Nanosecond())},
		FunctionName:    SCFFunctionName,
		FunctionVersion: "$LATEST",
		Namespace:       "default",
		MemoryLimitInMb: 128,
		TimeLimitInMs:   int32(timeout / time.Millisecond),
		Environment:     environment,
	}
	var resp messages.InvokeResponse
	if err := s.call(ctx, "Function.Invoke", req, &resp); err != nil {
		return nil, err
	}
	if resp.Error != nil {
		return nil, &FunctionError{Type: resp.Error.Type, Message: resp.Error.Message, ShouldExit: resp.Error.ShouldExit}
	}
	return resp.Payload, nil
}

// call makes one RPC, giving up when ctx ends or the process exits.
func (s *SCF) call(ctx context.Context, method string, args, reply any) error {
	c := s.client.Go(method, args, reply, make(chan *rpc.Call, 1))
	select {
	case <-c.Done:
		if c.Error != nil {
			select {
			case <-s.done:
				return s.exited()
			case <-time.After(50 * time.Millisecond):
			}
			return fmt.Errorf("runtimeharness: %s: %w", method, c.Error)
		}
		return nil
	case <-s.done:
		return s.exited()
	case <-ctx.Done():
		return fmt.Errorf("runtimeharness: %s: %w", method, ctx.Err())
	}
}

// Close kills the binary and its process group.
func (s *SCF) Close() error {
	s.stop()
	if s.client != nil {
		s.client.Close()
	}
	return nil
}
