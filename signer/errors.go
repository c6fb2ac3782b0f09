package signer

import "fmt"

// Code classifies why an input was refused. Every error the signer returns is
// an *Error carrying one of these, so callers can map them to their own
// responses (errors.Is(err, signer.ErrInvalidKey) and so on).
type Code string

const (
	CodeInvalidCredentials Code = "InvalidCredentials"
	CodeInvalidMethod      Code = "InvalidMethod"
	CodeInvalidBucket      Code = "InvalidBucket"
	CodeInvalidRegion      Code = "InvalidRegion"
	CodeInvalidEndpoint    Code = "InvalidEndpoint"
	CodeInvalidKey         Code = "InvalidKey"
	CodeInvalidHeader      Code = "InvalidHeader"
	CodeInvalidParam       Code = "InvalidParam"
	CodeDuplicateName      Code = "DuplicateName"
	CodeHostHeader         Code = "HostHeader"
	CodeInvalidWindow      Code = "InvalidWindow"
	CodeInvalidPolicy      Code = "InvalidPolicy"
)

// Error is a refused input: what kind of problem, and a message that names it.
// Messages never contain secret values.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return "cos signer: " + e.Message }

// Is matches any *Error with the same Code, so the Err* values below work
// with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrInvalidCredentials = &Error{Code: CodeInvalidCredentials}
	ErrInvalidMethod      = &Error{Code: CodeInvalidMethod}
	ErrInvalidBucket      = &Error{Code: CodeInvalidBucket}
	ErrInvalidRegion      = &Error{Code: CodeInvalidRegion}
	ErrInvalidEndpoint    = &Error{Code: CodeInvalidEndpoint}
	ErrInvalidKey         = &Error{Code: CodeInvalidKey}
	ErrInvalidHeader      = &Error{Code: CodeInvalidHeader}
	ErrInvalidParam       = &Error{Code: CodeInvalidParam}
	ErrDuplicateName      = &Error{Code: CodeDuplicateName}
	ErrHostHeader         = &Error{Code: CodeHostHeader}
	ErrInvalidWindow      = &Error{Code: CodeInvalidWindow}
	ErrInvalidPolicy      = &Error{Code: CodeInvalidPolicy}
)

func errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// quoteForMessage shows a caller's value in an error message: quoted, with
// control bytes escaped, and cut short so a huge input cannot flood a log.
func quoteForMessage(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
