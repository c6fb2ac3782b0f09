// Package sts vends Tencent STS temporary credentials limited by a CAM
// policy never wider than what the signing service would sign for the
// caller, under any reading of CAM: the policy document (version 2.0),
// derived action by action from the key policy (derive.go), the three
// request forms' checks, the STS client (tencentcloud-sdk-go, built on first use), a
// per-instance cache and the mapping of STS failures to answers. It reads no
// environment but through LoadConfig, and never logs or returns a secret.
package sts

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// CAM action names, written as the SDKs' Scope and Tencent's demos write them.
const (
	ActPutObject               = "name/cos:PutObject"
	ActPostObject              = "name/cos:PostObject"
	ActInitiateMultipartUpload = "name/cos:InitiateMultipartUpload"
	ActUploadPart              = "name/cos:UploadPart"
	ActListParts               = "name/cos:ListParts"
	ActCompleteMultipartUpload = "name/cos:CompleteMultipartUpload"
	ActAbortMultipartUpload    = "name/cos:AbortMultipartUpload"
	ActListMultipartUploads    = "name/cos:ListMultipartUploads"
	ActGetObject               = "name/cos:GetObject"
	ActHeadObject              = "name/cos:HeadObject"
	ActDeleteObject            = "name/cos:DeleteObject"
)

// vended lists every action /sts may vend, in the order policies name them.
var vended = []string{ActPutObject, ActPostObject, ActInitiateMultipartUpload, ActUploadPart, ActListParts,
	ActCompleteMultipartUpload, ActAbortMultipartUpload, ActListMultipartUploads, ActGetObject, ActHeadObject, ActDeleteObject}

// KnownAction says whether a is one of the action names this service may vend.
func KnownAction(a string) bool { return slices.Contains(vended, a) }

// Policy is a CAM policy document as STS takes it (lower-case keys, no
// principal).
type Policy struct {
	Version   string      `json:"version"`
	Statement []Statement `json:"statement"`
}

// Statement is one CAM statement. Condition maps an operator
// (string_like, numeric_less_than_equal, …) to a key and its values.
type Statement struct {
	Effect    string                    `json:"effect"`
	Action    []string                  `json:"action"`
	Resource  []string                  `json:"resource"`
	Condition map[string]map[string]any `json:"condition,omitempty"`
}

// JSON is the policy's compact text, what STS is sent (URL-encoded) and
// what the cache keys on.
func (p *Policy) JSON() string {
	b, err := json.Marshal(p)
	if err != nil { // only strings, slices and numbers: cannot fail
		panic(err)
	}
	return string(b)
}

// Resources lists every resource the policy allows, in order, once.
func (p *Policy) Resources() []string {
	var out []string
	for _, s := range p.Statement {
		if s.Effect != "allow" {
			continue
		}
		for _, r := range s.Resource {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// Target is the bucket the credentials are for, and its canonical region.
type Target struct {
	Region string // canonical, such as ap-guangzhou
	Bucket string // name-appid
}

// AppID is the bucket name's APPID suffix (examplebucket-1250000000 →
// 1250000000): CAM resources name the APPID, not the account's UIN.
func AppID(bucket string) (string, error) {
	i := strings.LastIndexByte(bucket, '-')
	id := ""
	if i > 0 {
		id = bucket[i+1:]
	}
	if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return "", fmt.Errorf("bucket %q does not end in its APPID (name-appid, such as examplebucket-1250000000)", bucket)
	}
	return id, nil
}

// Resource is the CAM resource of one object path in t: the exact key, or
// the folder and everything under it ("dir/*").
func (t Target) Resource(path string, folder bool) string {
	appid, _ := AppID(t.Bucket)
	r := "qcs::cos:" + t.Region + ":uid/" + appid + ":" + t.Bucket + "/" + path
	if folder {
		r += "*"
	}
	return r
}

// Grant is one place the credentials reach: a normalised key, or a folder
// (Path ends in '/') and everything under it, the actions the key policy
// would sign there (see Derive), and per action the condition keys whose
// header or param the key policy refuses there.
type Grant struct {
	Path    string
	Actions []string
	Refused map[string][]string
}

// Folder says whether the grant is a folder.
func (g Grant) Folder() bool { return strings.HasSuffix(g.Path, "/") }

// Limits are the upload conditions: the exact, lower-case media types an
// upload may declare (ExpressibleTypes; none: any), SIGN_MAX_CONTENT_LENGTH
// for PutObject and the part limit (SIGN_MAX_PART_LENGTH, or else
// SIGN_MAX_CONTENT_LENGTH) for UploadPart (0: none).
type Limits struct {
	Types            []string
	MaxContentLength int64
	MaxPartLength    int64
}

// Set says whether any upload condition applies.
func (l Limits) Set() bool { return len(l.Types) > 0 || l.MaxContentLength > 0 || l.MaxPartLength > 0 }

// maxLength is the bound on action a's body (0: none).
func (l Limits) maxLength(a string) int64 {
	switch a {
	case ActPutObject:
		return l.MaxContentLength
	case ActUploadPart:
		return l.MaxPartLength
	}
	return 0
}

// BadPath says why a path cannot become a CAM resource: a '*' (which
// widens a resource anywhere but at its end, where the folder form puts it),
// '?' (a one-character wildcard if CAM reads it as IAM does), '$', '{' or
// '}' (CAM variables), or nothing at all (the whole bucket).
func BadPath(path string) string {
	switch {
	case path == "" || path == "/":
		return "it names the whole bucket"
	case strings.ContainsAny(path, "*?${}"):
		return "it holds '*', '?', '$', '{' or '}', which would widen a CAM resource"
	}
	return ""
}

// typed are the actions whose request declares the object's type (the
// sized ones: Limits.maxLength).
var typed = []string{ActPutObject, ActInitiateMultipartUpload}

// condKey is what an allow statement's conditions are made of: the type
// list, and the body's bound (0: none).
type condKey struct {
	typed  bool
	length int64
}

// rank orders statements: typed and bounded first, then typed, bounded,
// neither.
func (k condKey) rank() int {
	r := 3
	if k.typed {
		r -= 2
	}
	if k.length > 0 {
		r--
	}
	return r
}

// foldTwins are the only non-ASCII runes that Unicode simple folding maps
// to ASCII letters (ſ to s, the Kelvin sign to k): under a case-folding
// reading of CAM, "text/cſv" would equal "text/csv", a type the key policy
// refuses (it takes ASCII only). Denied when a listed type holds s or k.
var foldTwins = []string{"*\u017f*", "*\u212a*"}

// BuildPolicy turns grants into a CAM policy: per grant its actions, the
// type condition (string_equal over exact types, which an absent header
// fails) on the typed actions, the length condition on the sized ones, and
// a deny per refused condition key on the actions where it is refused. A
// policy without any action is ErrNoAction.
func BuildPolicy(t Target, grants []Grant, l Limits) (*Policy, error) {
	if _, err := AppID(t.Bucket); err != nil {
		return nil, err
	}
	if t.Region == "" || strings.ContainsAny(t.Region, ":/*?") {
		return nil, fmt.Errorf("region %q cannot name a CAM resource", t.Region)
	}
	p := &Policy{Version: "2.0"}
	// add puts res under the statement with exactly these actions and
	// conditions, creating it the first time.
	add := func(effect string, actions []string, cond map[string]map[string]any, res string) {
		for i := range p.Statement {
			st := &p.Statement[i]
			if st.Effect == effect && slices.Equal(st.Action, actions) && reflect.DeepEqual(st.Condition, cond) {
				if !slices.Contains(st.Resource, res) {
					st.Resource = append(st.Resource, res)
				}
				return
			}
		}
		p.Statement = append(p.Statement, Statement{Effect: effect, Action: actions, Resource: []string{res}, Condition: cond})
	}
	for _, g := range grants {
		if why := BadPath(g.Path); why != "" {
			return nil, fmt.Errorf("path %q cannot be granted: %s", g.Path, why)
		}
		res := t.Resource(g.Path, g.Folder())
		byCond := map[condKey][]string{}
		var keys []condKey
		for _, a := range vended { // policy order, whatever the grant's
			if slices.Contains(g.Actions, a) {
				k := condKey{slices.Contains(typed, a) && len(l.Types) > 0, l.maxLength(a)}
				if byCond[k] == nil {
					keys = append(keys, k)
				}
				byCond[k] = append(byCond[k], a)
			}
		}
		slices.SortStableFunc(keys, func(x, y condKey) int { return x.rank() - y.rank() })
		for _, k := range keys {
			var cond map[string]map[string]any
			if k.typed || k.length > 0 {
				cond = map[string]map[string]any{}
			}
			if k.typed {
				cond["string_equal"] = map[string]any{"cos:content-type": l.Types}
			}
			if k.length > 0 {
				cond["numeric_less_than_equal"] = map[string]any{"cos:content-length": k.length}
			}
			add("allow", byCond[k], cond, res)
		}
	}
	if len(p.Statement) == 0 {
		return nil, ErrNoAction
	}
	// Denies only narrow: each reaches the whole bucket when every grant of
	// its actions needs it (keeping the policy short), else the grants that
	// do. STS caps a policy's length.
	deny := func(key string, values []string, refused func(g Grant, a string) bool) {
		cond := map[string]map[string]any{"string_like": {key: values}}
		for _, a := range vended {
			var res []string
			all := true
			for _, g := range grants {
				if !slices.Contains(g.Actions, a) {
					continue
				}
				if refused(g, a) {
					res = append(res, t.Resource(g.Path, g.Folder()))
				} else {
					all = false
				}
			}
			if len(res) == 0 {
				continue
			}
			if all {
				res = []string{t.Resource("", true)}
			}
			for _, r := range res {
				add("deny", []string{a}, cond, r)
			}
		}
	}
	if slices.ContainsFunc(l.Types, func(t string) bool { return strings.ContainsAny(t, "sSkK") }) {
		deny("cos:content-type", foldTwins, func(_ Grant, a string) bool { return slices.Contains(typed, a) })
	}
	for _, k := range conditionKeys {
		deny(k.Key, []string{"*"}, func(g Grant, a string) bool { return slices.Contains(g.Refused[a], k.Key) })
	}
	mergeActions(p)
	// If CAM matched resources ignoring letter case, "users/alice/*" would
	// reach users/ALICE/, another caller's folder. A deny of each path's
	// case twin reaches nothing the allow reaches when case counts, and
	// everything when it does not: the credentials are then useless, never
	// wider.
	var actions, twins []string
	for _, g := range grants {
		if twin, ok := caseTwin(g.Path); ok {
			twins = append(twins, t.Resource(twin, g.Folder()))
			for _, a := range vended {
				if slices.Contains(g.Actions, a) && !slices.Contains(actions, a) {
					actions = append(actions, a)
				}
			}
		}
	}
	if len(twins) > 0 {
		slices.SortFunc(actions, func(a, b string) int { return slices.Index(vended, a) - slices.Index(vended, b) })
		p.Statement = append(p.Statement, Statement{Effect: "deny", Action: actions, Resource: twins})
	}
	return p, nil
}

// caseTwin is path in other letter case (upper, else lower), when it has
// a letter to change.
func caseTwin(path string) (string, bool) {
	twin := strings.ToUpper(path)
	if twin == path {
		twin = strings.ToLower(path)
	}
	return twin, twin != path && strings.EqualFold(twin, path)
}

// mergeActions joins statements that differ only in their actions (the
// denies are added one action at a time).
func mergeActions(p *Policy) {
	var out []Statement
	for _, st := range p.Statement {
		i := slices.IndexFunc(out, func(x Statement) bool {
			return x.Effect == st.Effect && slices.Equal(x.Resource, st.Resource) && reflect.DeepEqual(x.Condition, st.Condition)
		})
		if i < 0 {
			out = append(out, st)
			continue
		}
		for _, a := range st.Action {
			if !slices.Contains(out[i].Action, a) {
				out[i].Action = append(out[i].Action, a)
			}
		}
	}
	p.Statement = out
}

// Covers says whether p allows all that q allows, no less: every action and
// resource of q's allows is allowed by a statement of p with the same
// conditions, and the same denies apply to it in both.
func (p *Policy) Covers(q *Policy) bool {
	for _, st := range q.Statement {
		if st.Effect != "allow" {
			continue
		}
		for _, a := range st.Action {
			for _, r := range st.Resource {
				if !slices.ContainsFunc(p.Statement, func(x Statement) bool {
					return x.Effect == "allow" && slices.Contains(x.Action, a) && covers(x.Resource, r) &&
						reflect.DeepEqual(x.Condition, st.Condition)
				}) {
					return false
				}
				if !slices.Equal(p.denies(a, r), q.denies(a, r)) {
					return false
				}
			}
		}
	}
	return true
}

// denies lists (as JSON, sorted) the conditions of p's denies on action a
// that reach resource r.
func (p *Policy) denies(a, r string) []string {
	var out []string
	for _, st := range p.Statement {
		if st.Effect == "deny" && slices.Contains(st.Action, a) && covers(st.Resource, r) {
			b, _ := json.Marshal(st.Condition)
			out = append(out, string(b))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// covers: one of the resources reaches all of r (an exact resource, or a
// folder "dir/*" whose prefix r starts with).
func covers(resources []string, r string) bool {
	for _, x := range resources {
		if x == r {
			return true
		}
		if prefix, ok := strings.CutSuffix(x, "*"); ok && strings.HasPrefix(r, prefix) {
			return true
		}
	}
	return false
}
