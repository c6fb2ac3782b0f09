package eventjson

import "encoding/binary"

// maxDepth bounds nesting; deeper values are left to encoding/json (whose
// own limit is 10000), so the scanner never recurses without end.
const maxDepth = 200

// SkipSpace returns the index of the first non-space byte at or after i.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// Valid reports whether b is one JSON value with only whitespace around
// it. It never accepts what encoding/json rejects; it may reject what
// encoding/json accepts (nesting deeper than maxDepth), so false means
// "ask encoding/json", not "invalid".
func Valid(b []byte) bool {
	end, ok := Value(b, SkipSpace(b, 0))
	return ok && SkipSpace(b, end) == len(b)
}

// Value validates the JSON value starting at b[i] and returns the index
// after it.
func Value(b []byte, i int) (int, bool) { return value(b, i, 0) }

func value(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, ok := String(b, i)
		return end, ok
	case c == '{':
		return object(b, i, depth+1, nil)
	case c == '[':
		return array(b, i, depth+1, nil)
	case c == '-' || ('0' <= c && c <= '9'):
		return number(b, i)
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	}
	return 0, false
}

func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return 0, false
}

// String validates the string starting at b[i] == '"' and returns the index
// after it and whether it holds a backslash escape.
func String(b []byte, i int) (end int, escaped, ok bool) {
	j := i + 1
	for {
		j = PlainRun(b, j)
		if j >= len(b) || b[j] < 0x20 {
			return 0, false, false
		}
		if b[j] == '"' {
			return j + 1, escaped, true
		}
		escaped = true
		j++
		if j >= len(b) {
			return 0, false, false
		}
		switch b[j] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			j++
		case 'u':
			if len(b)-j < 5 || !isHex(b[j+1]) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) {
				return 0, false, false
			}
			j += 5
		default:
			return 0, false, false
		}
	}
}

// PlainRun returns the index of the first quote, backslash or control
// character at or after j in b (len(b) if none), reading eight bytes at a
// time.
func PlainRun(b []byte, j int) int {
	for j+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[j:])) {
		j += 8
	}
	for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
		j++
	}
	return j
}

// special8 reports whether any of the eight bytes in x is a quote, a
// backslash or a control character (the classic has-zero-byte and
// has-byte-less-than word tricks; exact as existence tests).
func special8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return ((x-lo*0x20)&^x|(q-lo)&^q|(bs-lo)&^bs)&hi != 0
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func number(b []byte, i int) (int, bool) {
	j := i
	if b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
	default:
		return 0, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	return j, true
}

// member is called for each member of an object with the name's bytes
// (still quoted-content, escapes not undone), whether the name has escapes,
// and the value's span. It returns false to abandon the scan.
type member func(name []byte, escaped bool, start, end int) bool

// object validates the object at b[i] == '{', calling fn (when not nil)
// for each member.
func object(b []byte, i, depth int, fn member) (int, bool) {
	return objectOf(b, i, depth, func(name []byte, escaped bool, start int) (int, bool) {
		end, ok := value(b, start, depth)
		if !ok || (fn != nil && !fn(name, escaped, start, end)) {
			return 0, false
		}
		return end, true
	})
}

// objectOf scans the object at b[i] == '{'; fn scans each member's value
// and returns the index after it.
func objectOf(b []byte, i, depth int, fn func(name []byte, escaped bool, start int) (int, bool)) (int, bool) {
	if depth > maxDepth {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		nameEnd, escaped, ok := String(b, i)
		if !ok {
			return 0, false
		}
		name := b[i+1 : nameEnd-1]
		i = SkipSpace(b, nameEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		start := SkipSpace(b, i+1)
		end, ok := fn(name, escaped, start)
		if !ok {
			return 0, false
		}
		i = SkipSpace(b, end)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// array validates the array at b[i] == '[', calling fn (when not nil) with
// each element's span.
func array(b []byte, i, depth int, fn func(start, end int) bool) (int, bool) {
	return arrayOf(b, i, depth, func(start int) (int, bool) {
		end, ok := value(b, start, depth)
		if !ok || (fn != nil && !fn(start, end)) {
			return 0, false
		}
		return end, true
	})
}

// arrayOf scans the array at b[i] == '['; elem scans each element and
// returns the index after it.
func arrayOf(b []byte, i, depth int, elem func(start int) (int, bool)) (int, bool) {
	if depth > maxDepth {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		end, ok := elem(i)
		if !ok {
			return 0, false
		}
		i = SkipSpace(b, end)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}
