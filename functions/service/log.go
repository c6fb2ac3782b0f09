package service

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cos-signer/cos-signer/functions/policy"
	"github.com/cos-signer/cos-signer/functions/sts"
)

// logEntry is what the request's one log line says.
type logEntry struct {
	requestID, sourceIP        string
	path                       string // as received, so a 404 says what was asked
	route, method, bucket, key string
	subject                    string
	via                        string          // a download's: cdn or cos, when a CDN is configured or asked for
	families                   []policy.Family // the processing families signed
	entries, refused           int
	batch                      []batchEntryLog
	sts                        *stsLog // /sts only
}

// batchEntryLog is one /batch entry in the batch's log line, so that every
// signed (or refused) key of a batch is on record.
type batchEntryLog struct {
	Route    string `json:"route"`
	Method   string `json:"method,omitempty"`
	Key      string `json:"key,omitempty"`
	Decision string `json:"decision"`
	Code     string `json:"code,omitempty"`
}

// stsLog is what an /sts line adds: never TmpSecretKey or the token.
type stsLog struct {
	form, requestID, tmpSecretID string
	resources                    []string
	cacheHit                     bool
	vended                       bool
	failure                      *sts.Error // STS's refusal, if any
}

// logRequest writes the request's one line: never a secret key, session
// token, signature, Authorization value or caller token (none of them is
// ever put in a logEntry).
func (s *Service) logRequest(ctx context.Context, le *logEntry, status int, fail *apiError, start time.Time) {
	level := slog.LevelInfo
	decision, code, reason := "allowed", "", ""
	if fail != nil {
		decision, code = decisionOf(fail.status), fail.code
		if fail.status == 401 {
			// auth's reasons name what failed (expired, wrong issuer…),
			// never the token.
			reason = fail.message
		}
		if fail.status >= 500 {
			level = slog.LevelError
		}
	}
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs, slog.String("requestId", le.requestID), slog.String("route", le.route), slog.String("path", truncate(le.path, 256)))
	if le.method != "" {
		attrs = append(attrs, slog.String("method", le.method))
	}
	if le.bucket != "" {
		attrs = append(attrs, slog.String("bucket", le.bucket))
	}
	if le.key != "" {
		attrs = append(attrs, slog.String("key", truncate(le.key, 256)))
	}
	if le.sourceIP != "" {
		attrs = append(attrs, slog.String("sourceIp", truncate(le.sourceIP, 64)))
	}
	if le.subject != "" {
		attrs = append(attrs, slog.String("subject", truncate(le.subject, 128)))
	}
	if le.via != "" {
		attrs = append(attrs, slog.String("via", le.via))
	}
	if len(le.families) > 0 {
		attrs = append(attrs, slog.Any("processing", le.families))
	}
	if le.entries > 0 {
		attrs = append(attrs, slog.Int("entries", le.entries), slog.Int("refusedEntries", le.refused))
	}
	if st := le.sts; st != nil {
		attrs = append(attrs, slog.String("stsForm", st.form))
		if len(st.resources) > 0 {
			attrs = append(attrs, slog.Any("resources", st.resources))
		}
		if st.vended {
			attrs = append(attrs, slog.String("tmpSecretId", st.tmpSecretID), slog.Bool("cacheHit", st.cacheHit))
		}
		if st.requestID != "" {
			attrs = append(attrs, slog.String("stsRequestId", st.requestID))
		}
	}
	if le.batch != nil {
		attrs = append(attrs, slog.Any("batch", le.batch))
	}
	attrs = append(attrs, slog.String("decision", decision))
	if code != "" {
		attrs = append(attrs, slog.String("code", code))
	}
	if reason != "" {
		attrs = append(attrs, slog.String("reason", truncate(reason, 200)))
	}
	if le.sts != nil && le.sts.failure != nil && le.sts.failure.STSCode != "" {
		attrs = append(attrs, slog.String("stsCode", le.sts.failure.STSCode))
	}
	attrs = append(attrs, slog.Int("status", status), slog.Int64("latencyUs", time.Since(start).Microseconds()))
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

// logPanic records a recovered panic with the stack that raised it. The
// stack names functions, files and lines; its arguments are machine words
// (a string is a pointer and a length), never the text they point to. Of
// the panic value only the runtime's own message is logged (index out of
// range, nil map): any other value is named by its type, since it may be
// built from the request or a secret.
func (s *Service) logPanic(ctx context.Context, rid string, v any) {
	what := fmt.Sprintf("%T", v)
	if re, ok := v.(runtime.Error); ok {
		what = strings.TrimPrefix(re.Error(), "runtime error: ")
	}
	s.log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("requestId", rid),
		slog.String("panic", truncate(what, 200)), slog.String("stack", truncate(string(debug.Stack()), maxStackBytes)))
}

// maxStackBytes bounds a panic's stack in its log line (a few dozen frames).
const maxStackBytes = 16 << 10

// decisionOf tells refusals apart by what they are: "invalid" for
// malformed input (400, 404, 405, 413, 415), "unauthenticated" for 401,
// "refused" for the policy's 403, "error" for the service's own 5xx.
func decisionOf(status int) string {
	switch {
	case status == 401:
		return "unauthenticated"
	case status == 403:
		return "refused"
	case status >= 500:
		return "error"
	}
	return "invalid"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
