package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/tencentyun/scf-go-lib/events"

	"github.com/cos-signer/cos-signer/functions/service"
)

// referenceHandle is the handler as it was before it wrote its responses
// itself: scf-go-lib's typed form answering events.APIGatewayResponse,
// encoded by reflection. Invoke and Handle are held to it byte for byte.
func (h *handler) referenceHandle(ctx context.Context, event json.RawMessage) (any, error) {
	if !isHTTPEventReference(event) {
		return h.svc.Invoke(service.WithRequestID(ctx, functionRequestID(ctx)), event)
	}
	req, err := referenceToRequest(ctx, event)
	if err != nil {
		body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": "InvalidEvent", "message": err.Error(), "requestId": functionRequestID(ctx)}})
		return events.APIGatewayResponse{StatusCode: http.StatusBadRequest,
			Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}, nil
	}
	return toReferenceResponse(h.svc.Serve(ctx, req)), nil
}

func toReferenceResponse(resp *service.Response) events.APIGatewayResponse {
	out := events.APIGatewayResponse{StatusCode: resp.Status, Headers: make(map[string]string, len(resp.Header))}
	for k, v := range resp.Header {
		out.Headers[k] = v
	}
	if utf8.Valid(resp.Body) {
		out.Body = string(resp.Body)
	} else {
		out.Body = base64.StdEncoding.EncodeToString(resp.Body)
		out.IsBase64Encoded = true
	}
	return out
}

// referenceToRequest reads an HTTP event with encoding/json.
func referenceToRequest(ctx context.Context, raw []byte) (*service.Request, error) {
	var ev Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, &eventError{"the event is not a valid SCF API gateway or Function URL event: " + jsonProblem(err)}
	}
	return eventRequest(ctx, &ev, fastRead{})
}

// isHTTPEventReference is isHTTPEvent with encoding/json, for the tests.
func isHTTPEventReference(raw []byte) bool {
	var probe struct {
		Method *string `json:"httpMethod"`
	}
	return json.Unmarshal(raw, &probe) == nil && probe.Method != nil
}
