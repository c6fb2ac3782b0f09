package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/cos-signer/cos-signer/functions/internal/eventjson"
	"github.com/cos-signer/cos-signer/functions/service"
)

// handler adapts Lambda events to the service.
type handler struct {
	svc *service.Service
	log *slog.Logger
}

// Invoke is what lambda.Start runs: handler implements lambda.Handler, so
// aws-lambda-go hands over the event bytes and sends back ours, instead of
// decoding the event into a json.RawMessage and encoding the answer by
// reflection. What it answers is byte for byte what the typed form answers
// through aws-lambda-go's typed path (the tests compare the two on every
// sample event and fuzz them).
func (h *handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	k := kindOf(payload)
	if k != kindDirect {
		// An HTTP event the fast reader takes is valid JSON (it validates
		// all of it), so it needs no separate validating pass.
		if req, multiValue, ok := readFast(ctx, k, payload); ok {
			return appendResponse(nil, k, multiValue, h.svc.Serve(ctx, req)), nil
		}
	}
	start := eventjson.SkipSpace(payload, 0)
	end, ok := eventjson.Value(payload, start)
	if !ok || eventjson.SkipSpace(payload, end) != len(payload) {
		// Anything but one plain JSON value is read the way
		// aws-lambda-go reads it, with its errors: its decoder takes the
		// first value.
		var ev json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(payload)).Decode(&ev); err != nil {
			return nil, err
		}
		return h.respond(ctx, ev)
	}
	// kindOf skips the whitespace around a value, so k is the value's kind.
	return h.respondKind(ctx, k, payload[start:end])
}

// respond answers one event, its kind told from its shape.
func (h *handler) respond(ctx context.Context, event []byte) ([]byte, error) {
	return h.respondKind(ctx, kindOf(event), event)
}

// respondKind answers one event of kind k. HTTP triggers get their response
// type; a direct invocation gets the answer object itself, or fails with
// errorType = the error code and errorMessage = the message.
func (h *handler) respondKind(ctx context.Context, k kind, event []byte) ([]byte, error) {
	if k == kindDirect {
		out, err := h.svc.Invoke(service.WithRequestID(ctx, contextRequestID(ctx)), event)
		if err != nil {
			return nil, invokeFailure(err)
		}
		if eventjson.IsCompact(out) {
			return out, nil
		}
		return encodeJSON(out)
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
	var resp *service.Response
	if err != nil {
		id := contextRequestID(ctx)
		h.log.Warn("unreadable Lambda event", "requestId", id, "trigger", k.String(), "error", err.Error())
		resp = service.InvalidEvent(err.Error(), id)
	} else {
		resp = h.svc.Serve(ctx, req)
	}
	return appendResponse(nil, k, multiValue, resp), nil
}

// readFast reads an HTTP event of kind k with the fast readers only; ok is
// false when they leave it to encoding/json (or the event is not readable).
func readFast(ctx context.Context, k kind, raw []byte) (req *service.Request, multiValue, ok bool) {
	var hdr *lowered
	var err error
	switch k {
	case kindRESTv1:
		var ev events.APIGatewayProxyRequest
		if hdr, ok = fastRESTv1(raw, &ev); ok {
			req, err = restV1Request(ctx, &ev, hdr)
		}
	case kindHTTPv2:
		var ev events.APIGatewayV2HTTPRequest
		if hdr, ok = fastHTTPv2(raw, &ev); ok {
			req, err = httpV2Request(ctx, &ev, hdr)
		}
	case kindFunctionURL:
		var ev events.APIGatewayV2HTTPRequest
		if hdr, ok = fastFunctionURL(raw, &ev); ok {
			req, err = httpV2Request(ctx, &ev, hdr)
		}
	case kindALB:
		var ev events.ALBTargetGroupRequest
		if hdr, ok = fastALB(raw, &ev); ok {
			req, multiValue, err = albRequest(ctx, &ev, hdr)
		}
	}
	return req, multiValue, ok && err == nil
}

// encodeJSON re-encodes raw JSON as aws-lambda-go's encoder does
// (compacted, no HTML escaping, no trailing newline).
func encodeJSON(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(json.RawMessage(raw)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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
