package deploy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// A CloudFormation template read with go.yaml.in/yaml/v3 into plain maps, lists and
// scalars. The short-form tags (!Ref, !Sub, !If, !GetAtt…) become their
// long form ({"Ref": …}, {"Fn::Sub": …}), so a test sees exactly what
// CloudFormation would, and a small evaluator (cfnEval) resolves the
// functions this template uses for given parameter values.

// cfnDecode turns a YAML node into a CloudFormation value.
func cfnDecode(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("line %d: one document expected", n.Line)
		}
		return cfnDecode(n.Content[0])
	case yaml.AliasNode:
		return cfnDecode(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			d, err := cfnDecode(val)
			if err != nil {
				return nil, err
			}
			m[k.Value] = d
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			d, err := cfnDecode(c)
			if err != nil {
				return nil, err
			}
			l = append(l, d)
		}
		v = l
	case yaml.ScalarNode:
		// Strings, numbers and booleans as go.yaml.in/yaml/v3 reads them; a custom tag
		// is decoded as the plain scalar it wraps.
		s := *n
		if strings.HasPrefix(s.Tag, "!") && !strings.HasPrefix(s.Tag, "!!") {
			s.Tag = ""
		}
		if err := s.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	name := strings.TrimPrefix(n.Tag, "!")
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		// !GetAtt Res.Attr is the short form of [Res, Attr].
		if s, ok := v.(string); ok {
			res, attr, _ := strings.Cut(s, ".")
			v = []any{res, attr}
		}
	}
	return map[string]any{"Fn::" + name: v}, nil
}

// loadCFN reads a template from the repository.
func loadCFN(t testing.TB, rel string) map[string]any {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(readFile(t, rel)), &n), rel)
	v, err := cfnDecode(&n)
	require.NoError(t, err, rel)
	m, ok := v.(map[string]any)
	require.True(t, ok, "%s is not a mapping", rel)
	return m
}

// at walks maps by key: at(tpl, "Resources", "SignerFunction").
func at(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// noValue is what AWS::NoValue evaluates to: the property is left out.
type noValue struct{}

// cfnEval resolves Ref (to parameters, with the given values over their
// defaults), Fn::If, Fn::Equals, Fn::Not, Fn::Split and Fn::Sub (parameter
// names only) the way CloudFormation would at deploy, and leaves other
// functions and dynamic references ({{resolve:…}}) as they are.
type cfnEval struct {
	tpl    map[string]any
	params map[string]string
}

func (e cfnEval) param(name string) (string, error) {
	if v, ok := e.params[name]; ok {
		return v, nil
	}
	p, ok := at(e.tpl, "Parameters", name).(map[string]any)
	if !ok {
		return "", fmt.Errorf("Ref to %q: no such parameter", name)
	}
	d, ok := p["Default"]
	if !ok {
		return "", fmt.Errorf("parameter %s has no default and no value", name)
	}
	return fmt.Sprint(d), nil
}

func (e cfnEval) condition(name string) (bool, error) {
	c, ok := at(e.tpl, "Conditions", name).(map[string]any)
	if !ok {
		return false, fmt.Errorf("no condition %q", name)
	}
	v, err := e.eval(c)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("condition %s is not a boolean", name)
	}
	return b, nil
}

func (e cfnEval) eval(v any) (any, error) {
	switch v := v.(type) {
	case []any:
		out := []any{}
		for _, x := range v {
			r, err := e.eval(x)
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out = append(out, r)
			}
		}
		return out, nil
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if r, ok, err := e.function(fn, arg); ok || err != nil {
					return r, err
				}
			}
		}
		out := map[string]any{}
		for k, x := range v {
			r, err := e.eval(x)
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out[k] = r
			}
		}
		return out, nil
	}
	return v, nil
}

// function evaluates one intrinsic function; ok is false for a plain map.
func (e cfnEval) function(fn string, arg any) (any, bool, error) {
	args, _ := arg.([]any)
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		switch name {
		case "AWS::NoValue":
			return noValue{}, true, nil
		case "AWS::Region", "AWS::URLSuffix", "AWS::StackName":
			return map[string]any{"Ref": name}, true, nil
		}
		if _, isParam := at(e.tpl, "Parameters", name).(map[string]any); !isParam {
			return map[string]any{"Ref": name}, true, nil // a resource
		}
		p, err := e.param(name)
		return p, true, err
	case "Condition":
		name, _ := arg.(string)
		b, err := e.condition(name)
		return b, true, err
	case "Fn::If":
		if len(args) != 3 {
			return nil, true, fmt.Errorf("Fn::If takes 3 arguments")
		}
		name, _ := args[0].(string)
		b, err := e.condition(name)
		if err != nil {
			return nil, true, err
		}
		if b {
			r, err := e.eval(args[1])
			return r, true, err
		}
		r, err := e.eval(args[2])
		return r, true, err
	case "Fn::Equals", "Fn::Not", "Fn::Split":
		ev, err := e.eval(args)
		if err != nil {
			return nil, true, err
		}
		a := ev.([]any)
		switch fn {
		case "Fn::Equals":
			if len(a) != 2 {
				return nil, true, fmt.Errorf("Fn::Equals takes 2 arguments")
			}
			return fmt.Sprint(a[0]) == fmt.Sprint(a[1]), true, nil
		case "Fn::Not":
			b, ok := a[0].(bool)
			if len(a) != 1 || !ok {
				return nil, true, fmt.Errorf("Fn::Not takes one condition")
			}
			return !b, true, nil
		default:
			sep, _ := a[0].(string)
			s, ok := a[1].(string)
			if len(a) != 2 || !ok {
				return nil, true, fmt.Errorf("Fn::Split of a value not resolved here: %v", a[1])
			}
			out := []any{}
			for _, p := range strings.Split(s, sep) {
				out = append(out, p)
			}
			return out, true, nil
		}
	case "Fn::Sub":
		s, ok := arg.(string)
		if !ok {
			return nil, true, fmt.Errorf("Fn::Sub with a variable map is not used here")
		}
		var b strings.Builder
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				b.WriteString(s)
				return b.String(), true, nil
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, true, fmt.Errorf("Fn::Sub: unclosed ${ in %q", s)
			}
			b.WriteString(s[:i])
			name := s[i+2 : i+j]
			if _, isParam := at(e.tpl, "Parameters", name).(map[string]any); isParam {
				p, err := e.param(name)
				if err != nil {
					return nil, true, err
				}
				b.WriteString(p)
			} else {
				b.WriteString("${" + name + "}") // a pseudo parameter or an attribute
			}
			s = s[i+j+1:]
		}
	}
	if strings.HasPrefix(fn, "Fn::") {
		return map[string]any{fn: arg}, true, nil // left for CloudFormation
	}
	return nil, false, nil
}

// refs lists every parameter or resource name that v refers to, through
// Ref, Fn::Sub's ${Name} and Fn::If's conditions' parameters.
func refs(v any, out map[string]bool) {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			refs(x, out)
		}
	case map[string]any:
		for k, x := range v {
			switch k {
			case "Ref":
				if s, ok := x.(string); ok {
					out[s] = true
				}
			case "Fn::Sub":
				if s, ok := x.(string); ok {
					for _, part := range strings.Split(s, "${")[1:] {
						name, _, _ := strings.Cut(part, "}")
						out[name] = true
					}
				}
			}
			refs(x, out)
		}
	}
}

func TestCFNDecodeReadsTheShortForms(t *testing.T) {
	src := "a: !Ref P\nb: !Sub 'x-${P}'\nc: !GetAtt Fn.Arn\nd: !If [C, 1, !Ref AWS::NoValue]\ne: !Split [',', !Ref P]\nf: 5\ng: 'true'\n"
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(src), &n))
	v, err := cfnDecode(&n)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"a": map[string]any{"Ref": "P"},
		"b": map[string]any{"Fn::Sub": "x-${P}"},
		"c": map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}},
		"d": map[string]any{"Fn::If": []any{"C", 1, map[string]any{"Ref": "AWS::NoValue"}}},
		"e": map[string]any{"Fn::Split": []any{",", map[string]any{"Ref": "P"}}},
		"f": 5,
		"g": "true",
	}, v)

	tpl := map[string]any{
		"Parameters": map[string]any{"P": map[string]any{"Type": "String", "Default": "a,b"}},
		"Conditions": map[string]any{"C": map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "P"}, ""}}}}},
	}
	got, err := cfnEval{tpl: tpl}.eval(v)
	require.NoError(t, err)
	m := got.(map[string]any)
	require.Equal(t, "a,b", m["a"])
	require.Equal(t, "x-a,b", m["b"])
	require.Equal(t, 1, m["d"])
	require.Equal(t, []any{"a", "b"}, m["e"])
	got, err = cfnEval{tpl: tpl, params: map[string]string{"P": ""}}.eval(v)
	require.NoError(t, err)
	_, present := got.(map[string]any)["d"]
	require.False(t, present, "AWS::NoValue drops the key")

	_, err = cfnEval{tpl: tpl}.eval(map[string]any{"Ref": "Missing"})
	require.NoError(t, err, "a Ref to a name that is not a parameter is a resource")
	_, err = cfnEval{tpl: tpl}.eval(map[string]any{"Fn::If": []any{"Nope", 1, 2}})
	require.ErrorContains(t, err, "no condition")
}
