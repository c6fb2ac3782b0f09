// Package sts vends Tencent STS temporary credentials limited by a CAM
// policy that is exactly as wide as what the signing service would sign for
// the caller: the policy document (version 2.0), the three request forms'
// checks, the STS client (tencentcloud-sdk-go, built on first use), a
// per-instance cache and the mapping of STS failures to answers. It reads no
// environment but through LoadConfig, and never logs or returns a secret.
package sts

import (
	"encoding/json"
	"fmt"
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

// multipartSet is what PUT grants: a PUT, and the whole multipart upload
// (some of whose requests are POSTs).
var multipartSet = []string{ActPutObject, ActInitiateMultipartUpload, ActUploadPart, ActListParts,
	ActCompleteMultipartUpload, ActAbortMultipartUpload, ActListMultipartUploads}

// KnownAction says whether a is one of the action names this service may vend.
func KnownAction(a string) bool {
	switch a {
	case ActPostObject, ActGetObject, ActHeadObject, ActDeleteObject:
		return true
	}
	return slices.Contains(multipartSet, a)
}

// writeAction says whether a creates, changes or deletes an object.
func writeAction(a string) bool {
	switch a {
	case ActGetObject, ActHeadObject:
		return false
	}
	return true
}

// Actions are the CAM actions that the HTTP methods allow: PUT the PUT and
// multipart set, POST a form upload (only when limited is false: a form's
// own policy, not CAM, would have to bind type and size), GET, HEAD and
// DELETE their object actions. Without writes, no action that writes.
func Actions(methods []string, limited, writes bool) []string {
	var out []string
	add := func(as ...string) {
		for _, a := range as {
			if (writes || !writeAction(a)) && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	for _, m := range methods {
		switch strings.ToUpper(m) {
		case "PUT":
			add(multipartSet...)
		case "POST":
			if !limited {
				add(ActPostObject)
			}
		case "GET":
			add(ActGetObject)
		case "HEAD":
			add(ActHeadObject)
		case "DELETE":
			add(ActDeleteObject)
		}
	}
	return out
}

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
// (Path ends in '/') and everything under it, with the HTTP methods the key
// policy allows there, or (scope form) exactly the actions named.
type Grant struct {
	Path    string
	Methods []string
	Actions []string
}

// actions are the grant's CAM actions.
func (g Grant) actions(limited, writes bool) []string {
	if g.Actions == nil {
		return Actions(g.Methods, limited, writes)
	}
	var out []string
	for _, a := range g.Actions {
		if (writes || !writeAction(a)) && !(limited && a == ActPostObject) {
			out = append(out, a)
		}
	}
	return out
}

// Folder says whether the grant is a folder.
func (g Grant) Folder() bool { return strings.HasSuffix(g.Path, "/") }

// Limits are the upload conditions: SIGN_ALLOWED_CONTENT_TYPES as
// string_like patterns (lower case; "image/*"), the patterns denied even so,
// the active-type patterns denied unless the type is one of DenyActiveExcept
// (named in the list), and SIGN_MAX_CONTENT_LENGTH (0: none). TypeLimits
// builds the type fields.
type Limits struct {
	ContentTypes     []string
	DenyContentTypes []string
	DenyActive       []string
	DenyActiveExcept []string
	MaxContentLength int64
}

// Set says whether any upload condition applies.
func (l Limits) Set() bool { return len(l.ContentTypes) > 0 || l.MaxContentLength > 0 }

// BadPath says why a path cannot become a CAM resource: a '*' (which
// widens a resource anywhere but at its end, where the folder form puts it),
// '$', '{' or '}' (CAM variables), or nothing at all (the whole bucket).
func BadPath(path string) string {
	switch {
	case path == "" || path == "/":
		return "it names the whole bucket"
	case strings.ContainsAny(path, "*${}"):
		return "it holds '*', '$', '{' or '}', which would widen a CAM resource"
	}
	return ""
}

// condition classes: which conditions an action carries.
const (
	condNone   = iota
	condType   // InitiateMultipartUpload: the object's type is set here
	condLength // UploadPart: each part is bounded
	condBoth   // PutObject
)

func conditionClass(a string) int {
	switch a {
	case ActPutObject:
		return condBoth
	case ActInitiateMultipartUpload:
		return condType
	case ActUploadPart:
		return condLength
	}
	return condNone
}

// BuildPolicy turns grants into a CAM policy: per grant the actions its
// methods allow (writes false drops the writing ones), the content-type
// condition (a strict string_like, which an absent header fails) on
// PutObject and InitiateMultipartUpload, the length condition on PutObject
// and UploadPart, and a deny of DenyContentTypes where a type is set. A
// grant without actions adds nothing; a policy without any is an error.
func BuildPolicy(t Target, grants []Grant, l Limits, writes bool) (*Policy, error) {
	if _, err := AppID(t.Bucket); err != nil {
		return nil, err
	}
	if t.Region == "" || strings.ContainsAny(t.Region, ":/*") {
		return nil, fmt.Errorf("region %q cannot name a CAM resource", t.Region)
	}
	type group struct {
		class     int
		actions   []string
		resources []string
	}
	var groups []*group
	var typed []string // resources whose type is conditioned
	for _, g := range grants {
		if why := BadPath(g.Path); why != "" {
			return nil, fmt.Errorf("path %q cannot be granted: %s", g.Path, why)
		}
		res := t.Resource(g.Path, g.Folder())
		byClass := map[int][]string{}
		for _, a := range g.actions(l.Set(), writes) {
			c := conditionClass(a)
			byClass[c] = append(byClass[c], a)
			if (c == condType || c == condBoth) && len(l.ContentTypes) > 0 && !slices.Contains(typed, res) {
				typed = append(typed, res)
			}
		}
		for _, c := range []int{condBoth, condType, condLength, condNone} {
			as := byClass[c]
			if len(as) == 0 {
				continue
			}
			slices.Sort(as)
			i := slices.IndexFunc(groups, func(x *group) bool { return x.class == c && slices.Equal(x.actions, as) })
			if i < 0 {
				groups = append(groups, &group{class: c, actions: as})
				i = len(groups) - 1
			}
			if !slices.Contains(groups[i].resources, res) {
				groups[i].resources = append(groups[i].resources, res)
			}
		}
	}
	if len(groups) == 0 {
		return nil, ErrNoAction
	}
	p := &Policy{Version: "2.0"}
	for _, g := range groups {
		st := Statement{Effect: "allow", Action: g.actions, Resource: g.resources}
		cond := map[string]map[string]any{}
		if (g.class == condType || g.class == condBoth) && len(l.ContentTypes) > 0 {
			cond["string_like"] = map[string]any{"cos:content-type": l.ContentTypes}
		}
		if (g.class == condLength || g.class == condBoth) && l.MaxContentLength > 0 {
			cond["numeric_less_than_equal"] = map[string]any{"cos:content-length": l.MaxContentLength}
		}
		if len(cond) > 0 {
			st.Condition = cond
		}
		p.Statement = append(p.Statement, st)
	}
	if len(typed) > 0 && len(l.DenyContentTypes) > 0 {
		p.Statement = append(p.Statement, Statement{Effect: "deny",
			Action:    []string{ActPutObject, ActInitiateMultipartUpload},
			Resource:  typed,
			Condition: map[string]map[string]any{"string_like": {"cos:content-type": l.DenyContentTypes}}})
	}
	if len(typed) > 0 && len(l.DenyActive) > 0 {
		cond := map[string]map[string]any{"string_like": {"cos:content-type": l.DenyActive}}
		if len(l.DenyActiveExcept) > 0 {
			cond["string_not_like"] = map[string]any{"cos:content-type": l.DenyActiveExcept}
		}
		p.Statement = append(p.Statement, Statement{Effect: "deny",
			Action: []string{ActPutObject, ActInitiateMultipartUpload}, Resource: typed, Condition: cond})
	}
	return p, nil
}
