package service

import (
	"errors"
	"net/http"

	"github.com/cos-signer/cos-signer/signer"
)

// apiError is a refused request: its HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
	// stsCode is STS's own error code (/sts answers STSRefused with it);
	// retryAfter, in seconds, becomes a Retry-After header.
	stsCode    string
	retryAfter int
}

func badRequest(code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: msg}
}
func forbidden(code, msg string) *apiError {
	return &apiError{status: http.StatusForbidden, code: code, message: msg}
}

// fromSignerError turns the signer's refusals into 400s with its codes
// (InvalidKey, HostHeader, DuplicateName, InvalidHeader, …).
func fromSignerError(err error) *apiError {
	var se *signer.Error
	if errors.As(err, &se) {
		return badRequest(string(se.Code), se.Message)
	}
	return &apiError{status: http.StatusInternalServerError, code: "InternalError", message: "signing failed"}
}

// InvalidEvent is the 400 an adapter answers for an HTTP event it cannot
// read into a Request, in the service's error shape.
func InvalidEvent(message, requestID string) *Response {
	body := marshal(&errorAnswer{Error: errorDetail{Code: "InvalidEvent", Message: message, RequestID: requestID}})
	return &Response{Status: http.StatusBadRequest, Header: map[string]string{"Content-Type": "application/json"}, Body: body}
}

func (s *Service) errorResponse(e *apiError, rid string) *Response {
	return s.jsonResponse(e.status, errorObject(e, rid, false), rid)
}

func errorObject(e *apiError, rid string, withStatus bool) *errorAnswer {
	d := errorDetail{Code: e.code, Message: e.message, RequestID: rid, STSCode: e.stsCode}
	if withStatus {
		d.Status = e.status
	}
	return &errorAnswer{Error: d}
}
