// Package campolicy is a test kit: it reads a CAM policy strictly (the
// subset STS takes for COS: version 2.0, allow/deny statements, name/cos:
// actions, qcs::cos resources, the condition operators COS documents) and
// evaluates a request against it as CAM does: an explicit deny wins, a
// resource matches exactly or by its trailing '*', and every condition of a
// statement must hold. What CAM's documentation leaves open (letter case,
// surrounding whitespace, '?' as a wildcard, resources' letter case) is
// evaluated under every reading, and Allows admits what any reading admits. It lets the fake STS refuse what STS would refuse and
// the fake COS enforce what the vended credentials allow.
package campolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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

// Key is what a condition key reads: a request header or a query param,
// by lower-case name.
type Key struct {
	Param bool
	Name  string
}

// Keys are the condition keys this kit knows: those COS's condition-key
// table documents for the actions /sts vends (the grant headers are
// assumed to be keys like x-cos-acl; docs/sts.md says so), and qcs:ip.
var Keys = map[string]Key{
	"cos:content-type":             {Name: "content-type"},
	"cos:content-length":           {Name: "content-length"},
	"cos:x-cos-acl":                {Name: "x-cos-acl"},
	"cos:x-cos-grant-read":         {Name: "x-cos-grant-read"},
	"cos:x-cos-grant-read-acp":     {Name: "x-cos-grant-read-acp"},
	"cos:x-cos-grant-write-acp":    {Name: "x-cos-grant-write-acp"},
	"cos:x-cos-grant-full-control": {Name: "x-cos-grant-full-control"},
	"cos:x-cos-storage-class":      {Name: "x-cos-storage-class"},
	"cos:response-content-type":    {Param: true, Name: "response-content-type"},
	"cos:versionid":                {Param: true, Name: "versionid"},
	"cos:prefix":                   {Param: true, Name: "prefix"},
	"qcs:ip":                       {Name: "x-source-ip"},
}

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
			if path == "" || (path == "*" && st.Effect == "allow") || strings.Contains(strings.TrimSuffix(path, "*"), "*") {
				return nil, fmt.Errorf("statement %d: resource %q: '*' only at the end of a non-empty path (the whole bucket only in a deny)", i, r)
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

// Request is what a COS request asks of CAM: its action, its resource,
// its headers by lower-case name and its query params (absent when not
// sent; a param's name is looked up in any letter case).
type Request struct {
	Action   string
	Resource string
	Headers  map[string]string
	Params   map[string]string
}

// Reading is one way of reading what CAM's documentation leaves open.
type Reading struct {
	FoldCase      bool // string conditions ignore letter case (Unicode simple folding, as Java's equalsIgnoreCase)
	TrimSpace     bool // a condition compares the value without surrounding spaces and tabs (HTTP's OWS)
	QuestionWild  bool // '?' in a string_like pattern or a resource matches one character
	FoldResources bool // resources ignore letter case
}

// Readings are every combination of the open questions.
func Readings() []Reading {
	var out []Reading
	for i := 0; i < 16; i++ {
		out = append(out, Reading{FoldCase: i&1 != 0, TrimSpace: i&2 != 0, QuestionWild: i&4 != 0, FoldResources: i&8 != 0})
	}
	return out
}

// Allows is the least favourable verdict: r is allowed when any reading
// allows it, since which one CAM follows only a real account can tell.
func (p *Policy) Allows(r Request) bool {
	for _, rd := range Readings() {
		if p.AllowsUnder(r, rd) {
			return true
		}
	}
	return false
}

// AllowsUnder evaluates r under one reading: an explicit deny whose
// conditions hold wins; else an allow whose conditions hold admits; else
// it is refused.
func (p *Policy) AllowsUnder(r Request, rd Reading) bool {
	allowed := false
	for _, st := range p.Statement {
		if !slices.Contains(st.Action, r.Action) && !slices.Contains(st.Action, "*") {
			continue
		}
		if !slices.ContainsFunc(st.Resource, func(res string) bool {
			return glob(res, r.Resource, rd.QuestionWild, rd.FoldResources)
		}) {
			continue
		}
		if !conditionsHold(st.Condition, r, rd) {
			continue
		}
		if st.Effect == "deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

// value is what key k reads in r.
func value(k Key, r Request) (string, bool) {
	if !k.Param {
		v, ok := r.Headers[k.Name]
		return v, ok
	}
	for name, v := range r.Params {
		if strings.EqualFold(name, k.Name) {
			return v, true
		}
	}
	return "", false
}

func conditionsHold(cond map[string]map[string]Values, r Request, rd Reading) bool {
	for op, kv := range cond {
		base, ifExist := strings.CutSuffix(op, "_if_exist")
		for k, vs := range kv {
			h, present := value(Keys[k], r)
			if !present {
				if ifExist {
					continue
				}
				return false
			}
			if rd.TrimSpace {
				h = strings.Trim(h, " \t")
			}
			if !holds(base, h, vs, rd) {
				return false
			}
		}
	}
	return true
}

// holds: any of the values satisfies the operator; for string_not_like,
// none of them matches.
func holds(op, h string, vs Values, rd Reading) bool {
	like := func(v string) bool { return glob(v, h, rd.QuestionWild, rd.FoldCase) }
	if op == "string_not_like" {
		return !slices.ContainsFunc(vs, like)
	}
	for _, v := range vs {
		switch op {
		case "string_equal":
			if h == v || rd.FoldCase && strings.EqualFold(h, v) {
				return true
			}
		case "string_like":
			if like(v) {
				return true
			}
		case "numeric_less_than_equal":
			a, err1 := strconv.ParseFloat(h, 64)
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

// Like is string_like as the strictest reading takes it: '*' any run of
// characters, '?' one character, case-sensitive.
func Like(pattern, s string) bool { return glob(pattern, s, true, false) }

// glob matches s against pattern rune by rune: '*' any run, '?' one rune
// when question is set (else itself), letters folded when fold is set.
func glob(pattern, s string, question, fold bool) bool {
	// Iterative wildcard matching over byte offsets: star remembers the
	// last '*' to retry from, mark the text offset it last matched up to.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		r, n := utf8.DecodeRuneInString(s[si:])
		if pi < len(pattern) {
			p, m := utf8.DecodeRuneInString(pattern[pi:])
			switch {
			case p == '*':
				star, mark = pi, si
				pi++
				continue
			case question && p == '?' || p == r || fold && equalFold(p, r):
				pi, si = pi+m, si+n
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n = utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// equalFold: a and b are the same letter under Unicode simple folding.
func equalFold(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}
