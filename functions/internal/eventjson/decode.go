package eventjson

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Schema is the shape of a Go type as encoding/json decodes into it. Its
// Scan validates an event against that shape in one pass and hands back the
// raw values of the members an adapter reads ("captures"), so the adapter
// can build its request without decoding the whole event by reflection.
//
// Scan answers false for anything it does not handle exactly as
// encoding/json would: a member name with escapes, that is not ASCII, that
// matches a field only case-insensitively, or that repeats a field; a value
// of the wrong type, an integer out of range, a map key with escapes, a
// type with its own decoder (unless the caller supplied its shape). The
// adapter then decodes with encoding/json, which gives the answer (or the
// error) it always gave. The tests hold the two paths to the same results.
type Schema struct {
	kind   kind
	bits   int
	fields map[string]*field // kStruct: by JSON name
	folded map[string]bool   // kStruct: the names in lower case
	elem   *Schema           // kMap, kSlice: the element
	check  func([]byte) bool // kCustom: validates the raw value
}

type field struct {
	schema *Schema
	slot   int // index into Scan's captures, or -1
}

type kind uint8

const (
	kAny    kind = iota // interface{} or json.RawMessage: any value
	kString             // string or null
	kBool               // true, false or null
	kInt                // an integer literal that fits, or null
	kUint               // a non-negative integer literal that fits, or null
	kFloat              // any number that fits, or null
	kStruct             // an object or null
	kMap                // an object with plain keys, or null
	kSlice              // an array or null
	kCustom             // the caller's check
	kRefuse             // a type with its own decoder: Scan answers false
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// SchemaOf builds the schema of t. Each capture is a dotted path of JSON
// member names ("requestContext.http.method"); Scan stores the raw value of
// the i-th capture in captures[i]. custom gives the shape of types with
// their own decoders, as a check of the raw value. It panics on a capture
// that names no field: the schemas are built once, at start-up.
func SchemaOf(t reflect.Type, custom map[reflect.Type]func([]byte) bool, captures ...string) *Schema {
	s := build(t, custom, map[reflect.Type]*Schema{})
	for i, path := range captures {
		cur := s
		parts := strings.Split(path, ".")
		for j, name := range parts {
			if cur.kind != kStruct || cur.fields[name] == nil {
				panic(fmt.Sprintf("eventjson: %s has no field %s", t, path))
			}
			f := cur.fields[name]
			if j == len(parts)-1 {
				// Copy-on-write: schemas of shared types are shared.
				nf := *f
				nf.slot = i
				cur.fields[name] = &nf
			} else {
				cp := *f.schema
				cp.fields = make(map[string]*field, len(f.schema.fields))
				for k, v := range f.schema.fields {
					cp.fields[k] = v
				}
				cur.fields[name] = &field{schema: &cp, slot: f.slot}
				cur = &cp
			}
		}
	}
	return s
}

func build(t reflect.Type, custom map[reflect.Type]func([]byte) bool, seen map[reflect.Type]*Schema) *Schema {
	if check, ok := custom[t]; ok {
		return &Schema{kind: kCustom, check: check}
	}
	if t == rawMessageType {
		return &Schema{kind: kAny}
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
			t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
			return &Schema{kind: kRefuse}
		}
	}
	if s, ok := seen[t]; ok {
		return s
	}
	switch t.Kind() {
	case reflect.Pointer:
		return build(t.Elem(), custom, seen)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return &Schema{kind: kAny}
		}
	case reflect.String:
		return &Schema{kind: kString}
	case reflect.Bool:
		return &Schema{kind: kBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Schema{kind: kInt, bits: t.Bits()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{kind: kUint, bits: t.Bits()}
	case reflect.Float32, reflect.Float64:
		return &Schema{kind: kFloat, bits: t.Bits()}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
			s := &Schema{kind: kMap}
			seen[t] = s
			s.elem = build(t.Elem(), custom, seen)
			return s
		}
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 { // []byte is base64
			s := &Schema{kind: kSlice}
			seen[t] = s
			s.elem = build(t.Elem(), custom, seen)
			return s
		}
	case reflect.Struct:
		s := &Schema{kind: kStruct, fields: map[string]*field{}}
		seen[t] = s
		s.folded = map[string]bool{}
		for name, f := range structFields(t) {
			s.folded[strings.ToLower(name)] = true
			if f.refuse {
				s.fields[name] = &field{schema: &Schema{kind: kRefuse}, slot: -1}
				continue
			}
			s.fields[name] = &field{schema: build(f.typ, custom, seen), slot: -1}
		}
		return s
	}
	return &Schema{kind: kRefuse}
}

type structField struct {
	typ    reflect.Type
	depth  int
	tagged bool
	refuse bool
}

// structFields lists the fields encoding/json decodes into, by JSON name,
// with its rules for embedded structs: the shallowest name wins, then the
// one tagged name at that depth; otherwise the name is ignored.
func structFields(t reflect.Type) map[string]structField {
	out := map[string]structField{}
	conflict := map[string]bool{}
	var walk func(t reflect.Type, depth int, visited map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, depth+1, visited)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			nf := structField{typ: ft, depth: depth, tagged: tagged, refuse: strings.Contains(","+opts+",", ",string,")}
			if old, ok := out[name]; ok {
				switch {
				case old.depth < depth:
					continue
				case old.depth == depth && old.tagged == tagged:
					conflict[name] = true
					continue
				case old.depth == depth && old.tagged:
					continue
				}
			}
			delete(conflict, name)
			out[name] = nf
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	for name := range conflict {
		delete(out, name)
	}
	return out
}

// Scan validates b, a whole JSON value, against the schema and fills
// captures (one per capture path, nil when absent or null). false means:
// decode with encoding/json instead.
func (s *Schema) Scan(b []byte, captures [][]byte) bool {
	return s.ScanMembers(b, captures, -1, nil)
}

// ScanMembers is Scan that also hands visit each member of the object
// captured in slot (name, without escapes, and raw value) as it validates
// it, so that an adapter reads that object in the same pass instead of
// walking it again. Members come in order; when Scan fails, what visit saw
// is to be thrown away.
func (s *Schema) ScanMembers(b []byte, captures [][]byte, slot int, visit func(name, value []byte)) bool {
	for i := range captures {
		captures[i] = nil
	}
	st := scanState{captures: captures, visitSlot: slot, visit: visit}
	i := SkipSpace(b, 0)
	end, ok := s.scan(b, i, 0, -1, &st)
	return ok && SkipSpace(b, end) == len(b)
}

type scanState struct {
	captures  [][]byte
	visitSlot int
	visit     func(name, value []byte)
}

// scan validates the value at b[i]; slot is the capture slot of the field
// it is the value of (-1: none).
func (s *Schema) scan(b []byte, i, depth, slot int, st *scanState) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	if b[i] == 'n' {
		if s.kind == kRefuse || s.kind == kCustom {
			return 0, false
		}
		return literal(b, i, "null")
	}
	switch s.kind {
	case kAny:
		return value(b, i, depth)
	case kString:
		if b[i] != '"' {
			return 0, false
		}
		end, _, ok := String(b, i)
		return end, ok
	case kBool:
		if b[i] == 't' {
			return literal(b, i, "true")
		}
		if b[i] == 'f' {
			return literal(b, i, "false")
		}
		return 0, false
	case kInt, kUint, kFloat:
		end, ok := number(b, i)
		if !ok {
			return 0, false
		}
		lit := string(b[i:end])
		var err error
		switch s.kind {
		case kInt:
			_, err = strconv.ParseInt(lit, 10, s.bits)
		case kUint:
			_, err = strconv.ParseUint(lit, 10, s.bits)
		default:
			_, err = strconv.ParseFloat(lit, s.bits)
		}
		return end, err == nil
	case kCustom:
		end, ok := value(b, i, depth)
		return end, ok && s.check(b[i:end])
	case kSlice:
		if b[i] != '[' {
			return 0, false
		}
		return arrayOf(b, i, depth+1, func(start int) (int, bool) {
			return s.elem.scan(b, start, depth+1, -1, st)
		})
	case kMap:
		if b[i] != '{' {
			return 0, false
		}
		return objectOf(b, i, depth+1, func(name []byte, escaped bool, start int) (int, bool) {
			if escaped {
				return 0, false
			}
			end, ok := s.elem.scan(b, start, depth+1, -1, st)
			if ok && slot >= 0 && slot == st.visitSlot {
				st.visit(name, b[start:end])
			}
			return end, ok
		})
	case kStruct:
		if b[i] != '{' {
			return 0, false
		}
		var seenBuf [24]*field
		seen := seenBuf[:0] // the fields met; a repeat is refused
		return objectOf(b, i, depth+1, func(name []byte, escaped bool, start int) (int, bool) {
			if escaped || !isASCII(name) {
				return 0, false
			}
			f := s.fields[string(name)]
			if f == nil {
				if s.foldsToField(name) {
					return 0, false // encoding/json would take it for that field
				}
				return value(b, start, depth+1)
			}
			for _, g := range seen {
				if g == f {
					return 0, false
				}
			}
			seen = append(seen, f)
			end, ok := f.schema.scan(b, start, depth+1, f.slot, st)
			if ok && f.slot >= 0 && b[start] != 'n' {
				st.captures[f.slot] = b[start:end]
			}
			return end, ok
		})
	}
	return 0, false // kRefuse
}

// foldsToField reports whether the ASCII name matches a field's name case
// insensitively.
func (s *Schema) foldsToField(name []byte) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return true // no field is this long; be safe and let encoding/json decide
	}
	low := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return s.folded[string(low)]
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
