package sts

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// ErrNoAction is the refusal of grants that allow no action at all.
var ErrNoAction = errors.New("no action can be granted: the methods allowed here vend none")

// Error is an STS failure as the caller sees it: a status, a code, a
// message written here (never the SDK's text, which can embed STS's
// answer), STS's own code and request id when it gave them, and the
// seconds to wait for a throttled call.
type Error struct {
	Status     int
	Code       string
	Message    string
	STSCode    string
	RequestID  string
	RetryAfter int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// MapError turns an Issuer's error into the answer: an STS business error
// is 502 STSRefused with its code; throttling 503 STSThrottled with
// Retry-After; a network failure, a timeout or an unreadable answer 502
// STSUnavailable.
func MapError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e // the Issuer's own refusal, made before any call
	}
	var se *tcerr.TencentCloudSDKError
	if errors.As(err, &se) {
		switch {
		case strings.HasPrefix(se.Code, "RequestLimitExceeded"):
			return &Error{Status: http.StatusServiceUnavailable, Code: "STSThrottled", Message: "STS is throttling credential requests: retry after the delay in Retry-After",
				STSCode: se.Code, RequestID: se.RequestId, RetryAfter: 1}
		case strings.HasPrefix(se.Code, "ClientError."):
			return unavailable()
		}
		return &Error{Status: http.StatusBadGateway, Code: codeRefused, Message: "STS refused to vend credentials (see stsCode; check STS_MODE, STS_ROLE_ARN, STS_DURATION and the service's CAM permissions)",
			STSCode: se.Code, RequestID: se.RequestId}
	}
	return unavailable()
}

// codeRefused is STS refusing the call itself (not throttling, not down).
const codeRefused = "STSRefused"

// rateLimited is the answer to a caller over its STS call rate.
func rateLimited(wait time.Duration) *Error {
	return &Error{Status: http.StatusTooManyRequests, Code: "STSRateLimited",
		Message:    "this caller has asked for new credentials too often: retry after the delay in Retry-After (STS_CALLER_RATE)",
		RetryAfter: max(1, int(math.Ceil(wait.Seconds())))}
}

func unavailable() *Error {
	return &Error{Status: http.StatusBadGateway, Code: "STSUnavailable", Message: "STS could not be reached or gave no usable answer"}
}
