package main

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/tencentyun/scf-go-lib/functioncontext"

	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts SCF events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// handle is what cloudfunction.Start runs. scf-go-lib decodes the event
// into a json.RawMessage (any JSON value reaches it) and json.Marshals what
// it returns: an API-gateway response for an HTTP trigger's event, the
// answer object itself for a direct invocation, or an error reading
// "Code: message".
func (h *handler) handle(ctx context.Context, event json.RawMessage) (any, error) {
	if !isHTTPEvent(event) {
		out, err := h.svc.Invoke(service.WithRequestID(ctx, functionRequestID(ctx)), event)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(out), nil
	}
	req, err := toRequest(ctx, event)
	if err != nil {
		id := functionRequestID(ctx)
		h.log.Warn("unreadable SCF event", "requestId", id, "error", err.Error())
		return toResponse(service.InvalidEvent(err.Error(), id)), nil
	}
	return toResponse(h.svc.Serve(ctx, req)), nil
}

// isHTTPEvent tells an HTTP trigger's event (it has a string httpMethod)
// from a direct invocation (a plain request body).
func isHTTPEvent(event []byte) bool {
	var probe struct {
		Method *string `json:"httpMethod"`
	}
	return json.Unmarshal(event, &probe) == nil && probe.Method != nil
}

// functionRequestID is the invocation's id from scf-go-lib's function
// context, "" outside SCF.
func functionRequestID(ctx context.Context) string {
	if fc, ok := functioncontext.FromContext(ctx); ok {
		return fc.RequestID
	}
	return ""
}
