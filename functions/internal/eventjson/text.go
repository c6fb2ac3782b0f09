package eventjson

import "unsafe"

// A Text is an event's bytes copied once into a string. Scanning its Bytes
// and converting with its methods gives strings that share that one copy
// wherever the JSON text needs no unescaping, instead of one allocation per
// name and value (an HTTP event's dozen headers, its path, its ids). The
// zero Text copies each value, as the package's functions do.
type Text struct{ s string }

// NewText copies raw.
func NewText(raw []byte) Text { return Text{string(raw)} }

// Bytes is the copy, for Scan and the readers. It must never be written:
// the strings the methods return share it.
func (t Text) Bytes() []byte { return unsafe.Slice(unsafe.StringData(t.s), len(t.s)) }

// string is b as a string: a substring of the copy when b lies inside it,
// else a copy of its own (so a Text never hands out a string over bytes
// that someone could still write).
func (t Text) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(t.s)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p >= base && p-base+uintptr(len(b)) <= uintptr(len(t.s)) {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}
