package service

import (
	"errors"
	"net/http"

	"github.com/cos-signer/cos-signer/signer"
)

// apiError is a refused request: its HTTP status, code and message. The
// service's functions return it as an error; apiErrorOf reads it back.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// internalError is the answer to a bug: nothing about it reaches the caller.
var internalError = &apiError{http.StatusInternalServerError, "InternalError", "an internal error occurred"}

// apiErrorOf is the apiError an error answers as: itself, or for any other
// error (a bug: every refusal is an apiError) a 500 InternalError.
func apiErrorOf(err error) *apiError {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae
	}
	return internalError
}

func badRequest(code, msg string) *apiError { return &apiError{http.StatusBadRequest, code, msg} }
func forbidden(code, msg string) *apiError  { return &apiError{http.StatusForbidden, code, msg} }

// fromSignerError turns the signer's refusals into 400s with its codes
// (InvalidKey, HostHeader, DuplicateName, InvalidHeader, …).
func fromSignerError(err error) error {
	var se *signer.Error
	if errors.As(err, &se) {
		return badRequest(string(se.Code), se.Message)
	}
	return &apiError{http.StatusInternalServerError, "InternalError", "signing failed"}
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
	d := errorDetail{Code: e.code, Message: e.message, RequestID: rid}
	if withStatus {
		d.Status = e.status
	}
	return &errorAnswer{Error: d}
}
