package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"

	"github.com/tencentyun/scf-go-lib/functioncontext"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts SCF events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// Invoke is what cloudfunction.StartHandler runs: handler implements
// cloudfunction.Handler, so scf-go-lib hands over the event bytes and sends
// back ours, instead of decoding the event into a json.RawMessage and
// encoding the answer by reflection. What it answers is byte for byte what
// the typed form answers through scf-go-lib's typed path (the tests compare
// the two on every sample event and fuzz them).
func (h *handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	// One validating pass reads an HTTP event, or finds a plain object
	// without httpMethod: a direct invocation, answered without reading it
	// again. Anything it does not read exactly as encoding/json would takes
	// the long way below.
	var ev Event
	if fr, ok := fastEvent(payload, &ev); ok && fr.http {
		var req service.Request
		if err := fillRequest(ctx, &ev, fr, &req); err == nil {
			return appendResponse(nil, h.svc.Serve(ctx, &req)), nil
		}
	} else if ok {
		return h.direct(ctx, bytes.TrimRight(payload[eventjson.SkipSpace(payload, 0):], " \t\r\n"))
	}
	start := eventjson.SkipSpace(payload, 0)
	end, ok := eventjson.Value(payload, start)
	if !ok || eventjson.SkipSpace(payload, end) != len(payload) {
		// Anything but one plain JSON value is read the way scf-go-lib
		// reads it, with its errors.
		var ev json.RawMessage
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, err
		}
		return h.respond(ctx, ev)
	}
	return h.respond(ctx, payload[start:end])
}

// respond answers one event. An HTTP trigger's event gets an
// APIGatewayResponse; a direct invocation gets the answer object itself, or
// an error reading "Code: message".
func (h *handler) respond(ctx context.Context, event []byte) ([]byte, error) {
	if !isHTTPEvent(event) {
		return h.direct(ctx, event)
	}
	req, err := toRequest(ctx, event)
	if err != nil {
		id := functionRequestID(ctx)
		h.log.Warn("unreadable SCF event", "requestId", id, "error", err.Error())
		return appendResponse(nil, service.InvalidEvent(err.Error(), id)), nil
	}
	resp := h.svc.Serve(ctx, req)
	return appendResponse(nil, resp), nil
}

// direct answers a direct invocation: the answer object itself, or an
// error reading "Code: message".
func (h *handler) direct(ctx context.Context, event []byte) ([]byte, error) {
	out, err := h.svc.Invoke(service.WithRequestID(ctx, functionRequestID(ctx)), event)
	if err != nil {
		return nil, err
	}
	if eventjson.IsCompact(out) {
		return eventjson.AppendHTMLEscaped(make([]byte, 0, len(out)+32), out), nil
	}
	return json.Marshal(out)
}

// functionRequestID is the invocation's id from scf-go-lib's function
// context, "" outside SCF.
func functionRequestID(ctx context.Context) string {
	if fc, ok := functioncontext.FromContext(ctx); ok {
		return fc.RequestID
	}
	return ""
}
