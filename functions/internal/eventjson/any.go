package eventjson

import "strconv"

// Any decodes a validated JSON value as encoding/json decodes it into an
// interface{}: string, float64, bool, nil, []any or map[string]any (of
// repeated names the last counts). ok is false when a number does not fit
// a float64 (encoding/json reports an error there).
func Any(raw []byte) (v any, ok bool) {
	_, v, ok = anyValue(raw, SkipSpace(raw, 0), 0)
	return v, ok
}

// AnyMap is Any for a validated object; nil for a nil raw value.
func AnyMap(raw []byte) (map[string]any, bool) {
	if raw == nil {
		return nil, true
	}
	v, ok := Any(raw)
	m, isMap := v.(map[string]any)
	return m, ok && (isMap || v == nil)
}

// anyValue decodes the value at b[i], reading each byte once: objectOf and
// arrayOf take it as their element scanner.
func anyValue(b []byte, i, depth int) (int, any, bool) {
	if i >= len(b) {
		return 0, nil, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, _ := String(b, i)
		return end, Str(b[i:end]), true
	case c == '{':
		m := map[string]any{}
		end, ok := objectOf(b, i, depth+1, func(name []byte, escaped bool, start int) (int, bool) {
			end, v, ok := anyValue(b, start, depth+1)
			if escaped {
				m[unquote(name)] = v
			} else {
				m[Key(name)] = v
			}
			return end, ok
		})
		return end, m, ok
	case c == '[':
		l := []any{}
		end, ok := arrayOf(b, i, depth+1, func(start int) (int, bool) {
			end, v, ok := anyValue(b, start, depth+1)
			l = append(l, v)
			return end, ok
		})
		return end, l, ok
	case c == 't':
		return i + 4, true, true
	case c == 'f':
		return i + 5, false, true
	case c == 'n':
		return i + 4, nil, true
	}
	end, _ := number(b, i)
	f, err := strconv.ParseFloat(string(b[i:end]), 64)
	return end, f, err == nil
}
