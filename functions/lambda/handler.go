package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts Lambda events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// Handle is the function lambda.Start runs. aws-lambda-go decodes the event
// into a json.RawMessage, so every shape reaches it and the kind is told
// here. HTTP triggers get their response type; a direct invocation gets the
// answer object itself, or fails with errorType = the error code and
// errorMessage = the message.
func (h *handler) Handle(ctx context.Context, event json.RawMessage) (any, error) {
	k := kindOf(event)
	if k == kindDirect {
		out, err := h.svc.Invoke(service.WithRequestID(ctx, contextRequestID(ctx)), event)
		if err != nil {
			return nil, invokeFailure(err)
		}
		return out, nil
	}
	var req *service.Request
	var multiValue bool
	var err error
	switch k {
	case kindRESTv1:
		req, err = fromRESTv1(ctx, event)
	case kindHTTPv2:
		req, err = fromHTTPv2(ctx, event)
	case kindFunctionURL:
		req, err = fromFunctionURL(ctx, event)
	case kindALB:
		req, multiValue, err = fromALB(ctx, event)
	}
	if err != nil {
		id := contextRequestID(ctx)
		h.log.Warn("unreadable Lambda event", "requestId", id, "trigger", k.String(), "error", err.Error())
		return toResponse(k, multiValue, badEvent(err.Error(), id)), nil
	}
	return toResponse(k, multiValue, h.svc.Serve(ctx, req)), nil
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

// badEvent answers an HTTP event the adapter cannot read in the service's
// error shape.
func badEvent(msg, requestID string) *service.Response {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "InvalidEvent", "message": msg, "requestId": requestID}})
	return &service.Response{Status: http.StatusBadRequest, Header: map[string]string{"Content-Type": "application/json"}, Body: b}
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
