// Package jsonlog is a slog.Handler that writes the service's flat request
// records as JSON lines, byte for byte as slog.JSONHandler does, without its
// general machinery: on a 4 µs request, slog.JSONHandler's formatting was a
// fifth of the time. Anything it does not handle plainly (groups, WithAttrs,
// kinds other than string, numbers and booleans) goes to slog.JSONHandler.
package jsonlog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Handler writes JSON lines at Info level and above.
type Handler struct {
	mu       *sync.Mutex
	w        io.Writer
	fallback slog.Handler
}

// New writes to w.
func New(w io.Writer) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, fallback: slog.NewJSONHandler(w, nil)}
}

func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler { return h.fallback.WithAttrs(as) }
func (h *Handler) WithGroup(name string) slog.Handler    { return h.fallback.WithGroup(name) }

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Handle writes r as one line: {"time":…,"level":…,"msg":…,attrs…}.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	plain := true
	r.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindBool:
			return true
		}
		plain = false
		return false
	})
	if !plain {
		return h.fallback.Handle(ctx, r)
	}
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, '{')
	if !r.Time.IsZero() {
		b = append(b, `"time":"`...)
		b = r.Time.Round(0).AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":`...)
	b = appendString(b, r.Level.String())
	b = append(b, `,"msg":`...)
	b = appendString(b, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		// (slog drops an empty-keyed attr only when its value is empty too,
		// and the plain kinds written here never are.)
		b = append(b, ',')
		b = appendString(b, a.Key)
		b = append(b, ':')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			b = appendString(b, v.String())
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		}
		return true
	})
	b = append(b, '}', '\n')
	h.mu.Lock()
	_, err := h.w.Write(b)
	h.mu.Unlock()
	*bp = b
	bufPool.Put(bp)
	return err
}

const hex = "0123456789abcdef"

// appendString quotes s as slog.JSONHandler does: '"', '\\', control
// characters and U+2028/U+2029 escaped (HTML characters are not), invalid
// UTF-8 replaced by \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
