package service

// decodeFlat decodes the common case of a request body without reflection:
// one flat JSON object whose members are known lower-case field names with
// ASCII string, integer, boolean or null values. Anything else (nesting,
// escapes, non-ASCII, other names, other number forms, a type mismatch)
// returns false, and the caller decodes the body with encoding/json, which
// then sets the same fields to the same values and reports any error.
func decodeFlat(b []byte, in *input) bool {
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
		var v scalar
		isString := false
		switch {
		case i >= len(b):
			return false
		case b[i] == '"':
			s, j, ok := plainString(b, i)
			if !ok {
				return false
			}
			v, isString, i = str(s), true, j
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
				return false
			}
			v, i = str(string(b[i:j])), j
		case hasLit(b, i, "true"):
			v, i = str("true"), i+4
		case hasLit(b, i, "false"):
			v, i = str("false"), i+5
		case hasLit(b, i, "null"):
			i += 4
		default:
			return false
		}
		if !setFlat(in, name, v, isString) {
			return false
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
func plainString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(b); j++ {
		c := b[j]
		if c == '"' {
			return string(b[i+1 : j]), j + 1, true
		}
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return "", i, false
		}
	}
	return "", i, false
}

func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
