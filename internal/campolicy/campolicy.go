// Package campolicy is a test kit: it reads a CAM policy strictly (the
// subset STS takes for COS: version 2.0, allow/deny statements, name/cos:
// actions, qcs::cos resources, the condition operators COS documents) and
// evaluates a request against it as CAM does: an explicit deny wins, a
// resource matches exactly or by its trailing '*', and every condition of a
// statement must hold. It lets the fake STS refuse what STS would refuse and
// the fake COS enforce what the vended credentials allow.
package campolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Policy is a parsed CAM policy.
type Policy struct {
	Version   string      `json:"version"`
	Statement []Statement `json:"statement"`
}

// Statement is one statement; condition values are kept as strings.
type Statement struct {
	Effect    string                       `json:"effect"`
	Action    []string                     `json:"action"`
	Resource  []string                     `json:"resource"`
	Condition map[string]map[string]Values `json:"condition,omitempty"`
}

// Values is a condition's value or values (strings or numbers).
type Values []string

// UnmarshalJSON takes a string, a number or an array of them.
func (v *Values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		for _, r := range raw {
			s, err := scalar(r)
			if err != nil {
				return err
			}
			*v = append(*v, s)
		}
		return nil
	}
	s, err := scalar(b)
	if err != nil {
		return err
	}
	*v = Values{s}
	return nil
}

func scalar(b []byte) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("condition value %s is neither a string nor a number", b)
}

// Operators this kit knows; CAM knows more, but none other is used for COS here.
var operators = map[string]bool{
	"string_equal": true, "string_like": true, "string_not_like": true, "numeric_less_than_equal": true, "ip_equal": true,
	"string_equal_if_exist": true, "string_like_if_exist": true, "numeric_less_than_equal_if_exist": true,
}

// Keys maps condition keys to the request header they read.
var Keys = map[string]string{"cos:content-type": "content-type", "cos:content-length": "content-length", "qcs:ip": "x-source-ip"}

// Scope says what resources may name: every resource must be
// qcs::cos:<Region>:uid/<AppID>:<Bucket>/<path>.
type Scope struct{ Region, AppID, Bucket string }

// Parse reads a policy strictly and checks it against scope: what STS
// refuses (a principal, an unknown member, version other than 2.0, an
// empty statement, a resource of another account or bucket, a '*' before a
// resource's end, an unknown action, operator or key) is an error.
func Parse(text string, scope Scope) (*Policy, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &probe); err != nil {
		return nil, fmt.Errorf("policy is not a JSON object: %v", err)
	}
	if strings.Contains(strings.ToLower(text), `"principal"`) {
		return nil, fmt.Errorf("policy holds principal")
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy: %v", err)
	}
	if p.Version != "2.0" {
		return nil, fmt.Errorf("policy version %q is not 2.0", p.Version)
	}
	if len(p.Statement) == 0 {
		return nil, fmt.Errorf("policy has no statement")
	}
	prefix := "qcs::cos:" + scope.Region + ":uid/" + scope.AppID + ":" + scope.Bucket + "/"
	for i, st := range p.Statement {
		if st.Effect != "allow" && st.Effect != "deny" {
			return nil, fmt.Errorf("statement %d: effect %q", i, st.Effect)
		}
		if len(st.Action) == 0 || len(st.Resource) == 0 {
			return nil, fmt.Errorf("statement %d: no action or no resource", i)
		}
		for _, a := range st.Action {
			if !strings.HasPrefix(a, "name/cos:") || len(a) == len("name/cos:") || strings.ContainsAny(a[9:], "*/: ") {
				return nil, fmt.Errorf("statement %d: action %q is not a name/cos: action", i, a)
			}
		}
		for _, r := range st.Resource {
			path, ok := strings.CutPrefix(r, prefix)
			if !ok {
				return nil, fmt.Errorf("statement %d: resource %q is not in %s", i, r, prefix)
			}
			if path == "" || path == "*" || strings.Contains(strings.TrimSuffix(path, "*"), "*") {
				return nil, fmt.Errorf("statement %d: resource %q: '*' only at the end of a non-empty path", i, r)
			}
		}
		for op, kv := range st.Condition {
			if !operators[op] {
				return nil, fmt.Errorf("statement %d: unknown condition operator %q", i, op)
			}
			for k, vs := range kv {
				if _, ok := Keys[k]; !ok {
					return nil, fmt.Errorf("statement %d: unknown condition key %q", i, k)
				}
				if len(vs) == 0 {
					return nil, fmt.Errorf("statement %d: condition %s %s has no value", i, op, k)
				}
				if strings.HasPrefix(op, "numeric_") {
					for _, v := range vs {
						if _, err := strconv.ParseFloat(v, 64); err != nil {
							return nil, fmt.Errorf("statement %d: %s %s: %q is not a number", i, op, k, v)
						}
					}
				}
			}
		}
	}
	return &p, nil
}

// Request is what a COS request asks of CAM: its action, its resource, and
// its headers by lower-case name (absent when not sent).
type Request struct {
	Action   string
	Resource string
	Headers  map[string]string
}

// Allows evaluates r: an explicit deny whose conditions hold wins; else an
// allow whose conditions hold admits; else it is refused.
func (p *Policy) Allows(r Request) bool {
	allowed := false
	for _, st := range p.Statement {
		if !matchAny(st.Action, r.Action, false) || !matchAny(st.Resource, r.Resource, true) {
			continue
		}
		if !conditionsHold(st.Condition, r.Headers) {
			continue
		}
		if st.Effect == "deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func matchAny(patterns []string, v string, trailingStar bool) bool {
	for _, p := range patterns {
		if p == v || p == "*" {
			return true
		}
		if trailingStar && strings.HasSuffix(p, "*") && strings.HasPrefix(v, strings.TrimSuffix(p, "*")) {
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string]Values, headers map[string]string) bool {
	for op, kv := range cond {
		base, ifExist := strings.CutSuffix(op, "_if_exist")
		for k, vs := range kv {
			h, present := headers[Keys[k]]
			if !present {
				if ifExist {
					continue
				}
				return false
			}
			if !holds(base, h, vs) {
				return false
			}
		}
	}
	return true
}

// holds: any of the values satisfies the operator; for string_not_like,
// none of them matches.
func holds(op, h string, vs Values) bool {
	if op == "string_not_like" {
		for _, v := range vs {
			if Like(v, h) {
				return false
			}
		}
		return true
	}
	for _, v := range vs {
		switch op {
		case "string_equal":
			if h == v {
				return true
			}
		case "string_like":
			if Like(v, h) {
				return true
			}
		case "numeric_less_than_equal":
			a, err1 := strconv.ParseFloat(strings.TrimSpace(h), 64)
			b, err2 := strconv.ParseFloat(v, 64)
			if err1 == nil && err2 == nil && a <= b {
				return true
			}
		case "ip_equal":
			if h == v {
				return true
			}
		}
	}
	return false
}

// Like is CAM's string_like: '*' any run of characters, '?' one, case-sensitive.
func Like(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if Like(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			s = s[1:]
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
			s = s[1:]
		}
		pattern = pattern[1:]
	}
	return s == ""
}
