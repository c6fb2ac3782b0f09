package policy

import "strings"

// Op is what a signed request for one object does, as far as the upload
// limits care.
type Op int

const (
	// OpOther reads, deletes, aborts or lists parts: it creates no object.
	OpOther Op = iota
	// OpPut is PUT Object (or a copy), and any other PUT that is not a part
	// (?acl, ?tagging): re-sent with its param in another letter case, which
	// the signature does not bind, such a PUT is a PUT Object, so the limits
	// bound it as one.
	OpPut
	// OpPart is Upload Part (PUT ?partNumber&uploadId). The object's type is
	// the initiate's, but re-sent as PARTNUMBER&UPLOADID a part is a PUT
	// Object: it is bounded by its length and, under a type list, signed
	// with an allowed type (COS ignores a part's Content-Type).
	OpPart
	// OpInitiate is InitiateMultipartUpload (POST ?uploads): it carries the
	// Content-Type the object will have.
	OpInitiate
	// OpComplete is CompleteMultipartUpload (POST ?uploadId): its body lists
	// parts already uploaded.
	OpComplete
)

// OpRefusal is why a request is refused for what it does; Code is the
// service's error code for it.
type OpRefusal struct{ Code, Reason string }

// ObjectOp classifies a request for an object by its method and params,
// names exactly as COS spells them (any other spelling of one of COS's
// params is an InvalidParam, see CheckParamName). It refuses a PUT with
// uploadId but no partNumber (or the other way round), and a POST that is
// neither the initiate nor the complete of a multipart upload: a form
// upload (POST to the bucket) goes through /post-policy, whose policy binds
// key, type and size, and POST ?append or ?restore would write or change
// objects the limits never see.
func ObjectOp(method string, params map[string]string) (Op, *OpRefusal) {
	if err := CheckParams(params); err != nil {
		return OpOther, &OpRefusal{"InvalidParam", err.Error()}
	}
	has := func(name string) bool { return HasParam(params, name) }
	switch method {
	case "PUT":
		uploadID, partNumber := has("uploadId"), has("partNumber")
		switch {
		case uploadID && partNumber:
			return OpPart, nil
		case uploadID:
			return OpOther, &OpRefusal{"MissingPartNumber", "a PUT with uploadId is a part upload and needs partNumber"}
		case partNumber:
			return OpOther, &OpRefusal{"MissingUploadId", "a PUT with partNumber is a part upload and needs uploadId"}
		}
		return OpPut, nil
	case "POST":
		uploads, uploadID := has("uploads"), has("uploadId")
		switch {
		case uploads && !uploadID:
			return OpInitiate, nil
		case uploadID && !uploads:
			return OpComplete, nil
		}
		return OpOther, &OpRefusal{"PostNotAllowed", "POST is signed only to initiate (?uploads) or complete (?uploadId) a multipart upload: for a form upload use /post-policy, for a simple upload PUT"}
	}
	return OpOther, nil
}

// BindsType says whether, under SIGN_ALLOWED_CONTENT_TYPES, the
// operation is signed with an allowed Content-Type: what creates an
// object, and a part, which re-sent with its params in another case is a
// PUT Object.
func (o Op) BindsType() bool { return o == OpPut || o == OpPart || o == OpInitiate }

// BindsLength says whether, under SIGN_MAX_CONTENT_LENGTH, the operation
// is signed with its Content-Length: every PUT.
func (o Op) BindsLength() bool { return o == OpPut || o == OpPart }

// PlainRegion reports whether r is a region name and nothing more: ASCII
// letters, digits and '-', such as ap-guangzhou. A region holding "cos."
// or a host, and the "accelerate" endpoint, are forms only the deployment's
// COS_ENDPOINT may choose.
func PlainRegion(r string) bool {
	if r == "" || len(r) > 64 || r[0] == '-' || r[len(r)-1] == '-' {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return !strings.Contains(strings.ToLower(r), "accelerate")
}
