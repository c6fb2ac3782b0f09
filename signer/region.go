package signer

import "strings"

// legacyRegions are the pre-2017 region names, by the region each is now.
var legacyRegions = map[string]string{
	"cn-north":     "ap-beijing-1",
	"cn-south":     "ap-guangzhou",
	"cn-east":      "ap-shanghai",
	"cn-south-2":   "ap-guangzhou-2",
	"cn-southwest": "ap-chengdu",
	"sg":           "ap-singapore",
}

// CanonicalRegion is a region as Tencent Cloud APIs and CAM resources name
// it: lower case, JSON-API aliases (cosgz) and legacy names (cn-south)
// mapped, a "cos." label dropped. Anything else comes back lower-cased.
func CanonicalRegion(region string) string {
	r := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(region)), "cos.")
	if a, ok := regionAliases[r]; ok {
		return a
	}
	if a, ok := legacyRegions[r]; ok {
		return a
	}
	return r
}
