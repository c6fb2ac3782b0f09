package policy

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Listing is a bucket-level request the policy can scope to a key prefix.
type Listing int

const (
	// NotListing is any other bucket-level request: refused unless the
	// deployment allows bucket operations.
	NotListing Listing = iota
	// ListUploads is ListMultipartUploads (GET /?uploads&prefix=…): what the
	// SDKs' uploadFile and sliceUploadFile ask before uploading, to resume.
	ListUploads
	// ListObjects is GET Bucket (GET /?prefix=…), listing objects.
	ListObjects
)

func (l Listing) String() string {
	switch l {
	case ListUploads:
		return "ListMultipartUploads"
	case ListObjects:
		return "GET Bucket (list objects)"
	}
	return "bucket operation"
}

// The params each listing may carry; all are signed, so a client can change
// none of them.
var (
	listUploadsParams = []string{"uploads", "prefix", "max-uploads", "key-marker", "upload-id-marker", "encoding-type", "delimiter"}
	listObjectsParams = []string{"prefix", "delimiter", "marker", "max-keys", "encoding-type"}
)

// BucketListing recognises a scoped listing: a GET whose params (names
// exactly as COS spells them) are only those of ListMultipartUploads (with
// "uploads") or of GET Bucket, and which names a prefix. It returns the kind and the
// prefix as given; the caller normalises the prefix with ListingPrefix and
// checks it like a key. Anything else is NotListing, also a listing without
// a prefix (the whole bucket). err is a 400: a listing param with a bad
// value, or a name that is not COS's spelling of one (CheckParamName):
// "PREFİX" would be no prefix to COS.
func BucketListing(method string, params map[string]string) (Listing, string, error) {
	if method != "GET" {
		return NotListing, "", nil
	}
	if err := CheckParams(params); err != nil {
		return NotListing, "", err
	}
	kind := ListObjects
	allowed := listObjectsParams
	if HasParam(params, "uploads") {
		kind, allowed = ListUploads, listUploadsParams
	}
	prefix, hasPrefix := "", false
	for name, v := range params {
		if !slices.Contains(allowed, name) {
			return NotListing, "", nil
		}
		if err := listingValue(name, v); err != nil {
			return NotListing, "", err
		}
		if name == "prefix" {
			prefix, hasPrefix = v, true
		}
	}
	if !hasPrefix || prefix == "" {
		return NotListing, "", nil
	}
	return kind, prefix, nil
}

func listingValue(name, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("param %s is not valid UTF-8", name)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("param %s holds a control character", name)
		}
	}
	switch name {
	case "uploads":
		if v != "" {
			return fmt.Errorf("param uploads takes no value")
		}
	case "max-uploads", "max-keys":
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 1000 || strconv.Itoa(n) != v {
			return fmt.Errorf("param %s must be a whole number from 1 to 1000", name)
		}
	case "encoding-type":
		if v != "url" {
			return fmt.Errorf("param encoding-type must be url")
		}
	case "delimiter":
		if v == "" || len(v) > 16 {
			return fmt.Errorf("param delimiter must be 1-16 bytes (such as /)")
		}
	case "key-marker", "marker", "upload-id-marker":
		if len(v) > MaxKeyBytes {
			return fmt.Errorf("param %s is longer than %d bytes", name, MaxKeyBytes)
		}
	}
	return nil
}

// ListingPrefix checks a listing's prefix exactly like a key (see
// NormalizeKey), and refuses one that NormalizeKey would change (a leading
// '/'): the prefix is signed as given, so the checked one must be the one
// COS applies.
func ListingPrefix(prefix string) (string, error) {
	if prefix == "" {
		return "", keyErr("a listing needs a non-empty prefix: listing the whole bucket is a bucket operation")
	}
	n, err := NormalizeKey(prefix)
	if err != nil {
		return "", keyErr("prefix: " + err.Error())
	}
	if n != prefix {
		return "", keyErr("prefix must not start with '/': keys have no leading '/'")
	}
	return n, nil
}
