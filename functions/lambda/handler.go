package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cos-signer/cos-signer/functions/door"
	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts Lambda events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// handle is what lambda.Start runs. aws-lambda-go decodes the event into a
// json.RawMessage (any JSON value reaches it) and encodes what it returns:
// an HTTP trigger's response type, or a direct invocation's answer object.
func (h *handler) handle(ctx context.Context, event json.RawMessage) (any, error) {
	switch triggerOf(event) {
	case restAPI:
		return serve(ctx, h, restAPI, event, restAPIRequest, restAPIResponse), nil
	case httpAPI:
		return serve(ctx, h, httpAPI, event, httpAPIRequest, httpAPIResponse), nil
	case functionURL:
		return serve(ctx, h, functionURL, event, functionURLRequest, functionURLResponse), nil
	case alb:
		return serve(ctx, h, alb, event, albRequest, albResponse), nil
	}
	out, err := h.svc.Invoke(service.WithRequestID(ctx, contextRequestID(ctx)), event)
	if err != nil {
		return nil, invokeFailure(err)
	}
	return json.RawMessage(out), nil
}

// serve answers an HTTP event of the library's type E: decoded with
// encoding/json, turned into a request, served, and the answer written as
// the trigger's response type R. An event that does not decode, or whose
// body does not, gets the service's 400 InvalidEvent.
func serve[E, R any](ctx context.Context, h *handler, t trigger, raw []byte,
	toRequest func(context.Context, *E) (*service.Request, error), toResponse func(*E, *service.Response) R) R {
	var ev E
	var req *service.Request
	err := decode(raw, &ev, t)
	if err == nil {
		req, err = toRequest(ctx, &ev)
	}
	if err != nil {
		id := contextRequestID(ctx)
		h.log.Warn("unreadable Lambda event", "requestId", id, "trigger", t.String(), "error", err.Error())
		return toResponse(&ev, service.InvalidEvent(err.Error(), id))
	}
	return toResponse(&ev, h.svc.Serve(ctx, req))
}

// decode reads the event into the trigger's type; the error names the
// field at fault, never its content. A failed decode leaves ev zero.
func decode[E any](raw []byte, ev *E, t trigger) error {
	err := json.Unmarshal(raw, ev)
	if err == nil {
		return nil
	}
	var zero E
	*ev = zero
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &door.EventError{Msg: "the event is not a valid " + t.title() + " event: field " + te.Field + " has the wrong type"}
	}
	return &door.EventError{Msg: "the event is not a valid " + t.title() + " event"}
}

func contextRequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

// invokeFailure makes a service error reach Lambda as {errorType: code,
// errorMessage: message}. aws-lambda-go passes an InvokeResponse_Error
// through unchanged only as a value (lambda/errors.go type-asserts
// messages.InvokeResponse_Error, not a pointer); any other error is
// reported with its Go type name.
func invokeFailure(err error) error {
	var ie *service.InvokeError
	if errors.As(err, &ie) {
		return messages.InvokeResponse_Error{Type: ie.Code, Message: ie.Message}
	}
	return err
}

// orElse is a, or b when a is empty: an event's own field before the
// invocation's.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
