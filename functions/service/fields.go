package service

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// fieldNames are the request fields by their JSON names (input's tags):
// the only members a request object may hold, in any letter case, as
// encoding/json matches them.
var fieldNames = func() []string {
	t := reflect.TypeOf(input{})
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}()

// sdkOptions are the getAuthorization options of cos-js-sdk-v5,
// cos-wx-sdk-v5 and cos-nodejs-sdk-v5 that the service reads, spelt as the
// SDKs send them. An object holding one of them is an SDK options object.
var sdkOptions = []string{"Bucket", "Region", "Method", "Key", "Pathname", "Query", "Headers"}

// knownField is the field a member name sets ("" for none).
func knownField(name string) string {
	for _, f := range fieldNames {
		if strings.EqualFold(name, f) {
			return f
		}
	}
	return ""
}

// checkMembers refuses a request object's members that are not request
// fields (400 UnknownField, with the closest field name when one is near),
// and a field given twice in different letter case with different values
// (400 DuplicateName). In an SDK options object, capitalised members the
// service does not read (SystemClockOffset, ForceSignHost, and
// whatever a later SDK version adds) are ignored: the SDKs name every
// option so, and the callback passes the object on as it is.
//
// fields holds each field's value by its JSON name.
func checkMembers(members map[string]json.RawMessage) (fields map[string]json.RawMessage, _ error) {
	sdk := false
	for _, o := range sdkOptions {
		if _, ok := members[o]; ok {
			sdk = true
			break
		}
	}
	var seen map[string]string
	for name, raw := range members {
		f := knownField(name)
		if f == "" {
			if sdk && name != "" && unicode.IsUpper([]rune(name)[0]) {
				continue
			}
			return nil, unknownField(name)
		}
		if prev, dup := seen[f]; dup && !sameJSON(members[prev], raw) {
			return nil, badRequest("DuplicateName", fmt.Sprintf("members %s and %s name the same field with different values: send one of them", quoteName(prev), quoteName(name)))
		}
		if seen == nil {
			seen = make(map[string]string, len(members))
			fields = make(map[string]json.RawMessage, len(members))
		}
		seen[f], fields[f] = name, raw
	}
	return fields, nil
}

func unknownField(name string) error {
	msg := fmt.Sprintf("unknown field %s", quoteName(name))
	if near := closestField(name); near != "" {
		return badRequest("UnknownField", msg+fmt.Sprintf(": did you mean %q?", near))
	}
	return badRequest("UnknownField", msg+": the fields are "+strings.Join(fieldNames, ", "))
}

func quoteName(name string) string { return truncate(strconv.Quote(name), 80) }

// closestField is the field name nearest to name (letter case aside), if
// it is within a slip of the keyboard: an edit distance of at most 2 and
// less than half the name.
func closestField(name string) string {
	if len(name) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, f := range fieldNames {
		if d := editDistance(strings.ToLower(name), strings.ToLower(f)); d < bestD && 2*d < len(f) {
			best, bestD = f, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sameJSON: two member values are the same JSON, spacing aside.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// checkAliases refuses expired and expires given with different values in
// one request object or query (encoding/json would keep one in silence).
func checkAliases(expired, expires scalar) error {
	if expired.set && expires.set && strings.TrimSpace(expired.s) != strings.TrimSpace(expires.s) {
		return badRequest("DuplicateName", fmt.Sprintf("expired (%s) and expires (%s) name the same field with different values: send one of them",
			truncate(strconv.Quote(expired.s), 24), truncate(strconv.Quote(expires.s), 24)))
	}
	return nil
}
