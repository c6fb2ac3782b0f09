package jsonlog

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Both handlers must write the very same bytes for the same record.
func same(t *testing.T, level slog.Level, msg string, attrs ...slog.Attr) {
	t.Helper()
	var ours, std bytes.Buffer
	r := slog.NewRecord(time.Date(2026, 11, 22, 20, 41, 22, 783550243, time.UTC), level, msg, 0)
	r.AddAttrs(attrs...)
	require.NoError(t, New(&ours).Handle(context.Background(), r))
	require.NoError(t, slog.NewJSONHandler(&std, nil).Handle(context.Background(), r))
	assert.Equal(t, std.String(), ours.String())
	// LogAttrs, the same line without the record.
	var direct bytes.Buffer
	require.NoError(t, New(&direct).LogAttrs(context.Background(), r.Time, level, msg, attrs))
	assert.Equal(t, std.String(), direct.String(), "LogAttrs")
}

func TestSameBytesAsSlogJSONHandler(t *testing.T) {
	same(t, slog.LevelInfo, "request",
		slog.String("requestId", "abc-1"), slog.String("route", "presign"), slog.String("key", "上传/a b\"c\\d<e>&f\n\t\r\x01\x7f"),
		slog.Int("status", 403), slog.Int64("latencyUs", 60), slog.Bool("ok", false), slog.Uint64("n", 7))
	same(t, slog.LevelError, "with \u2028 and \u2029 and bad \xff utf-8", slog.String("", "skipped"), slog.String("k", "\xc3"))
	same(t, slog.LevelWarn, "")
	many := make([]slog.Attr, 20) // more than Handle's stack buffer
	for i := range many {
		many[i] = slog.Int(string(rune('a'+i)), i)
	}
	same(t, slog.LevelInfo, "many", many...)
	// Kinds it does not write itself go to slog.JSONHandler.
	same(t, slog.LevelInfo, "fallback", slog.Duration("d", time.Second), slog.Any("m", map[string]int{"a": 1}), slog.Group("g", slog.Int("x", 1)))
}

func FuzzSameBytesAsSlogJSONHandler(f *testing.F) {
	f.Add("request", "key", "uploads/a.txt", int64(200))
	f.Add("msg\u2028", "k\xff", "\x00<>&\"\\", int64(-1))
	f.Fuzz(func(t *testing.T, msg, key, value string, n int64) {
		same(t, slog.LevelInfo, msg, slog.String(key, value), slog.Int64("n", n))
	})
}

func TestLevelsAndDerivedHandlers(t *testing.T) {
	h := New(&bytes.Buffer{})
	assert.False(t, h.Enabled(context.Background(), slog.LevelDebug))
	assert.True(t, h.Enabled(context.Background(), slog.LevelInfo))
	var buf bytes.Buffer
	slog.New(New(&buf)).With("svc", "cos").WithGroup("g").Info("x", "a", 1)
	assert.Contains(t, buf.String(), `"svc":"cos","g":{"a":1}`)
}
