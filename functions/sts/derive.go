package sts

import "slices"

// Probe is one COS request the key policy is asked about: the request an
// action needs, as a client holding the credentials would send it.
type Probe struct {
	Method  string            // upper case
	Key     string            // normalised; "" for a bucket-level listing
	Params  map[string]string // names as COS spells them
	Headers map[string]string // lower-case names
	Form    bool              // a form upload (PostObject): asked as /post-policy would be
}

// KeyPolicy says whether the service would sign p for the caller. It is
// the service's own check (the one /auth and /post-policy run), so that
// the CAM policy follows every rule the key policy has, and every change
// to it.
type KeyPolicy func(p Probe) bool

// maxPartNumber is the highest part number COS accepts.
const maxPartNumber = "10000"

// probeID stands for an upload id: the key policy reads that one is
// given, never its value.
const probeID = "probe"

// probe is the request action needs at path (a key, or a folder by its
// marker "dir/": a prefix rule admitting the marker admits every key under
// it), with the type and length an upload under l must declare.
func probe(action, path string, l Limits) Probe {
	p := Probe{Key: path, Params: map[string]string{}, Headers: map[string]string{}}
	declare := func(typ bool) {
		if typ && len(l.Types) > 0 {
			p.Headers["content-type"] = l.Types[0]
		}
		if l.maxLength(action) > 0 {
			p.Headers["content-length"] = "1"
		}
	}
	switch action {
	case ActPutObject:
		p.Method = "PUT"
		declare(true)
	case ActPostObject:
		p.Method, p.Form = "POST", true
	case ActInitiateMultipartUpload:
		p.Method, p.Params["uploads"] = "POST", ""
		declare(true)
	case ActUploadPart:
		// CAM has no condition on a part's number: the grant reaches every
		// part COS accepts, so it is asked for the last one. A part states
		// an allowed type too: re-sent with its params in another case it
		// is a PUT Object (issue 22).
		p.Method, p.Params["partNumber"], p.Params["uploadId"] = "PUT", maxPartNumber, probeID
		declare(true)
	case ActCompleteMultipartUpload:
		p.Method, p.Params["uploadId"] = "POST", probeID
	case ActListParts:
		p.Method, p.Params["uploadId"] = "GET", probeID
	case ActAbortMultipartUpload:
		p.Method, p.Params["uploadId"] = "DELETE", probeID
	case ActListMultipartUploads:
		// A bucket-level listing whose prefix is the path: the resource COS
		// checks for it is unverified (docs/sts.md), so it is granted only
		// where the key policy signs this listing.
		p.Method, p.Key, p.Params["uploads"], p.Params["prefix"] = "GET", "", "", path
	case ActGetObject:
		p.Method = "GET"
	case ActHeadObject:
		p.Method = "HEAD"
	case ActDeleteObject:
		p.Method = "DELETE"
	}
	return p
}

// ConditionKey is a COS condition key on a header or param that the key
// policy may refuse: the actions COS applies it to, and a value the key
// policy is asked with (one it refuses whenever it refuses any).
type ConditionKey struct {
	Key     string // cos:x-cos-acl
	Name    string // the header (lower case) or param, as COS spells it
	Param   bool
	Value   string
	Actions []string
}

// uploads are the actions that create an object and take its ACL and
// storage class.
var uploads = []string{ActPutObject, ActPostObject, ActInitiateMultipartUpload}

// conditionKeys are the keys of COS's condition-key table that read a name
// the key policy may refuse on an action /sts vends. The grant headers
// (the four an object takes; x-cos-grant-write is a bucket's) are taken to
// be keys like x-cos-acl (docs/sts.md lists it as a question for a real
// account).
var conditionKeys = []ConditionKey{
	{"cos:x-cos-acl", "x-cos-acl", false, "public-read", uploads},
	{"cos:x-cos-grant-read", "x-cos-grant-read", false, `id="100000000001"`, uploads},
	{"cos:x-cos-grant-read-acp", "x-cos-grant-read-acp", false, `id="100000000001"`, uploads},
	{"cos:x-cos-grant-write-acp", "x-cos-grant-write-acp", false, `id="100000000001"`, uploads},
	{"cos:x-cos-grant-full-control", "x-cos-grant-full-control", false, `id="100000000001"`, uploads},
	{"cos:x-cos-storage-class", "x-cos-storage-class", false, "DEEP_ARCHIVE", uploads},
	{"cos:response-content-type", "response-content-type", true, "text/html", []string{ActGetObject}},
	{"cos:versionid", "versionId", true, "probe", []string{ActGetObject, ActHeadObject, ActDeleteObject}},
}

// ConditionKeys lists them, for tests and docs.
func ConditionKeys() []ConditionKey { return slices.Clone(conditionKeys) }

// Derive is the grant at path: each action whose request the key policy
// would sign there (no action by association: a PUT prefix gets the
// multipart actions only where the key policy signs each of their
// requests), and for each the condition keys whose name, added to that
// request, the key policy refuses. A form upload (PostObject) is vended
// only without upload limits (CAM's reading of a form's type and length is
// unverified) and where the key policy would sign every condition key's
// name on it (whether CAM applies them to a form's fields is unverified).
func Derive(path string, l Limits, signs KeyPolicy) Grant {
	g := Grant{Path: path, Refused: map[string][]string{}}
	for _, a := range vended {
		if a == ActPostObject && l.Set() {
			continue
		}
		p := probe(a, path, l)
		if !signs(p) {
			continue
		}
		var refused []string
		for _, k := range conditionKeys {
			if !slices.Contains(k.Actions, a) {
				continue
			}
			with := probe(a, path, l)
			if k.Param {
				with.Params[k.Name] = k.Value
			} else {
				with.Headers[k.Name] = k.Value
			}
			if !signs(with) {
				refused = append(refused, k.Key)
			}
		}
		if a == ActPostObject && len(refused) > 0 {
			continue
		}
		g.Actions = append(g.Actions, a)
		if len(refused) > 0 {
			g.Refused[a] = refused
		}
	}
	return g
}

// Narrow keeps only the actions named (the scope form), with their
// refused keys.
func (g Grant) Narrow(actions []string) Grant {
	out := Grant{Path: g.Path, Refused: map[string][]string{}}
	for _, a := range g.Actions {
		if slices.Contains(actions, a) {
			out.Actions = append(out.Actions, a)
			if r := g.Refused[a]; r != nil {
				out.Refused[a] = r
			}
		}
	}
	return out
}
