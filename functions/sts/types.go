package sts

import (
	"fmt"
	"slices"
	"strings"
)

// ImageTypes is what an "image/*" entry of SIGN_ALLOWED_CONTENT_TYPES
// vends: the raster and icon types browsers display as images and never
// run (no SVG, no other XML). A type outside it must be listed by name.
var ImageTypes = []string{"image/apng", "image/avif", "image/bmp", "image/gif", "image/heic", "image/heif",
	"image/jpeg", "image/png", "image/tiff", "image/webp", "image/x-icon"}

// ExpressibleTypes turns SIGN_ALLOWED_CONTENT_TYPES entries (lower case:
// exact types, "type/*", "*") into the exact types a CAM string_equal
// lists: an exact type as it is, "image/*" as ImageTypes; allows (the key
// policy's own check) must admit each. Any other pattern ("*", "*/*",
// "application/*") has no exact list CAM could compare under every reading:
// the error names the entry, and the service refuses to start with /sts on.
func ExpressibleTypes(entries []string, allows func(string) bool) ([]string, error) {
	var out []string
	for _, e := range entries {
		var types []string
		switch {
		case e == "image/*":
			types = ImageTypes
		case strings.Contains(e, "*"):
			return nil, fmt.Errorf("entry %q: /sts can vend a type limit only as exact types (or image/*, which means %s); list the types by name, or turn /sts off", e, strings.Join(ImageTypes, ","))
		default:
			types = []string{e}
		}
		for _, t := range types {
			if !allows(t) {
				return nil, fmt.Errorf("entry %q: type %s is refused by the key policy itself", e, t)
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}
