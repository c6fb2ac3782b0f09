package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/tencentyun/scf-go-lib/events"
	"github.com/tencentyun/scf-go-lib/functioncontext"

	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts SCF events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// Handle is the function cloudfunction.Start runs (scf-go-lib decodes the
// event into a json.RawMessage, so any JSON reaches it). An HTTP trigger's
// event gets an APIGatewayResponse; a direct invocation gets the answer
// object itself, or an error reading "Code: message".
func (h *handler) Handle(ctx context.Context, event json.RawMessage) (any, error) {
	if !isHTTPEvent(event) {
		return h.svc.Invoke(service.WithRequestID(ctx, functionRequestID(ctx)), event)
	}
	req, err := toRequest(ctx, event)
	if err != nil {
		id := functionRequestID(ctx)
		h.log.Warn("unreadable SCF event", "requestId", id, "error", err.Error())
		return badEvent(err.Error(), id), nil
	}
	return toResponse(h.svc.Serve(ctx, req)), nil
}

// badEvent answers an HTTP event the adapter cannot read in the service's
// error shape.
func badEvent(msg, requestID string) events.APIGatewayResponse {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "InvalidEvent", "message": msg, "requestId": requestID}})
	return events.APIGatewayResponse{StatusCode: http.StatusBadRequest,
		Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }

// functionRequestID is the invocation's id from scf-go-lib's function
// context, "" outside SCF.
func functionRequestID(ctx context.Context) string {
	if fc, ok := functioncontext.FromContext(ctx); ok {
		return fc.RequestID
	}
	return ""
}
