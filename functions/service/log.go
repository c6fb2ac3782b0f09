package service

import (
	"context"
	"log/slog"
	"time"
)

// logEntry is what the request's one log line says.
type logEntry struct {
	requestID, sourceIP        string
	route, method, bucket, key string
	subject                    string
	entries, refused           int
	batch                      []batchEntryLog
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

// logRequest writes the request's one line: never a secret key, session
// token, signature, Authorization value or caller token (none of them is
// ever put in a logEntry).
func (s *Service) logRequest(ctx context.Context, le *logEntry, status int, fail *apiError, start time.Time) {
	level := slog.LevelInfo
	decision, code := "allowed", ""
	if fail != nil {
		decision, code = "refused", fail.code
		if fail.status >= 500 {
			level = slog.LevelError
		}
	}
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs, slog.String("requestId", le.requestID), slog.String("route", le.route))
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
	if le.entries > 0 {
		attrs = append(attrs, slog.Int("entries", le.entries), slog.Int("refusedEntries", le.refused))
	}
	if le.batch != nil {
		attrs = append(attrs, slog.Any("batch", le.batch))
	}
	attrs = append(attrs, slog.String("decision", decision))
	if code != "" {
		attrs = append(attrs, slog.String("code", code))
	}
	attrs = append(attrs, slog.Int("status", status), slog.Int64("latencyUs", time.Since(start).Microseconds()))
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
