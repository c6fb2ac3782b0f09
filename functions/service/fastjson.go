package service

// decodeFlat decodes the common case of a request body without reflection:
// one JSON object whose members are known lower-case field names with
// ASCII string, integer, boolean or null values, or (headers, params,
// query) objects of such values. Anything else (deeper nesting, escapes,
// non-ASCII, other names, other number forms, a type mismatch)
// returns false, and the caller decodes the body with encoding/json, which
// then sets the same fields to the same values and reports any error.
func decodeFlat(body []byte, in *input) bool {
	// One copy of the body: every name and value is a substring of it
	// instead of a string allocated of its own.
	b := string(body)
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipWS(b, i+1) == len(b)
	}
	for {
		name, j, ok := plainString(b, i)
		if !ok {
			return false
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		if m := flatMapField(in, name); m != nil {
			// headers, params, query: an object of scalars (merged into
			// the map, as encoding/json merges a repeated object) or null.
			switch {
			case i < len(b) && b[i] == '{':
				if i, ok = flatMap(b, i, m); !ok {
					return false
				}
			case hasLit(b, i, "null"):
				*m, i = nil, i+4
			default:
				return false
			}
		} else {
			v, isString, j, ok := flatScalar(b, i)
			if !ok || !setFlat(in, name, v, isString) {
				return false
			}
			i = j
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return skipWS(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = skipWS(b, i+1)
	}
}

// flatScalar reads a scalar at b[i]: a printable-ASCII string without
// escapes, an integer, true, false or null (v unset).
func flatScalar(b string, i int) (v scalar, isString bool, next int, ok bool) {
	switch {
	case i >= len(b):
		return v, false, i, false
	case b[i] == '"':
		s, j, ok := plainString(b, i)
		if !ok {
			return v, false, i, false
		}
		return str(s), true, j, true
	case b[i] == '-' || ('0' <= b[i] && b[i] <= '9'):
		j := i
		if b[j] == '-' {
			j++
		}
		start := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == start || (b[start] == '0' && j-start > 1) || (j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) {
			return v, false, i, false
		}
		return str(b[i:j]), false, j, true
	case hasLit(b, i, "true"):
		return str("true"), false, i + 4, true
	case hasLit(b, i, "false"):
		return str("false"), false, i + 5, true
	case hasLit(b, i, "null"):
		return v, false, i + 4, true
	}
	return v, false, i, false
}

// flatMapField is the map field a member name decodes into, or nil.
func flatMapField(in *input, name string) *map[string]scalar {
	switch name {
	case "headers":
		return &in.Headers
	case "params":
		return &in.Params
	case "query":
		return &in.Query
	}
	return nil
}

// flatMap reads an object of scalars at b[i] == '{' into *m (made when
// nil; a null value stores an unset scalar, as encoding/json does).
func flatMap(b string, i int, m *map[string]scalar) (int, bool) {
	if *m == nil {
		*m = make(map[string]scalar, 4)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		name, j, ok := plainString(b, i)
		if !ok {
			return i, false
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		v, _, j, ok := flatScalar(b, skipWS(b, i+1))
		if !ok {
			return i, false
		}
		(*m)[name] = v
		i = skipWS(b, j)
		switch {
		case i >= len(b):
			return i, false
		case b[i] == '}':
			return i + 1, true
		case b[i] != ',':
			return i, false
		}
		i = skipWS(b, i+1)
	}
}

// setFlat stores one member (null leaves a field as it is, as
// encoding/json does); false for a name it does not know or a non-string
// value for a string field (encoding/json then explains).
func setFlat(in *input, name string, v scalar, isString bool) bool {
	var dst *string
	switch name {
	case "key":
		if v.set {
			in.Key = v
		}
		return true
	case "expired":
		if v.set {
			in.Expired = v
		}
		return true
	case "expires":
		if v.set {
			in.Expires = v
		}
		return true
	case "pathname":
		if v.set {
			in.Pathname = v
		}
		return true
	case "signHost":
		if v.set {
			in.SignHost = v
		}
		return true
	case "contentType":
		if v.set {
			in.ContentType = v
		}
		return true
	case "contentLength":
		if v.set {
			in.ContentLength = v
		}
		return true
	case "successActionStatus":
		if v.set {
			in.SuccessActionStatus = v
		}
		return true
	case "redirect":
		if v.set {
			in.Redirect = v
		}
		return true
	case "action":
		dst = &in.Action
	case "bucket":
		dst = &in.Bucket
	case "region":
		dst = &in.Region
	case "method":
		dst = &in.Method
	case "ext":
		dst = &in.Ext
	case "filename":
		dst = &in.Filename
	default:
		return false
	}
	switch {
	case isString:
		*dst = v.s
	case v.set: // a number or boolean where a string belongs
		return false
	}
	return true
}

// plainString reads a JSON string at b[i] made only of printable ASCII
// without escapes.
func plainString(b string, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(b); j++ {
		c := b[j]
		if c == '"' {
			return b[i+1 : j], j + 1, true
		}
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return "", i, false
		}
	}
	return "", i, false
}

func hasLit(b string, i int, lit string) bool {
	return len(b)-i >= len(lit) && b[i:i+len(lit)] == lit
}

func skipWS(b string, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
