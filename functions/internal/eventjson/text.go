package eventjson

import "unsafe"

// A Text gives the strings read from one event a shared home: they are
// appended to one buffer (a new one when it is full) instead of being
// allocated one by one. An event's method, path, ids and a few headers fit
// in the first 256 bytes: one allocation, and much less garbage than a copy
// of the whole event. A nil *Text copies each string, as the package's
// functions do. A Text must not be copied once used: two copies would
// append over each other's strings (go vet's copylocks check reports
// copies, through noCopy).
type Text struct {
	_   noCopy
	buf []byte
}

// noCopy makes go vet report copies of the struct holding it (its Lock and
// Unlock are what the copylocks check looks for; they do nothing).
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// textChunk is a buffer's usual size: an HTTP event's kept strings.
const textChunk = 256

// string is b as a string in t's buffer. Bytes once written are never
// written again (appends go past them), so the strings stay immutable.
func (t *Text) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if t == nil {
		return string(b)
	}
	t.reserve(len(b))
	start := len(t.buf)
	t.buf = append(t.buf, b...)
	return unsafe.String(&t.buf[start], len(b))
}

// unquoted is unquote(s) in t's buffer.
func (t *Text) unquoted(s []byte) string {
	if t == nil {
		return unquote(s)
	}
	t.reserve(len(s)) // the text is never longer than its JSON form
	start := len(t.buf)
	t.buf = appendUnquoted(t.buf, s)
	if len(t.buf) == start {
		return ""
	}
	return unsafe.String(&t.buf[start], len(t.buf)-start)
}

// reserve makes room for n more bytes, in a fresh buffer when the current
// one is short (the strings in the old one keep it alive).
func (t *Text) reserve(n int) {
	if cap(t.buf)-len(t.buf) < n {
		t.buf = make([]byte, 0, max(textChunk, n))
	}
}
