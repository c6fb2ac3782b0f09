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

// Regions are the COS regions as Tencent Cloud's "regions and access
// endpoints" page lists them (public and financial cloud, including the
// closed-to-new-buckets ap-beijing-1, na-toronto, eu-moscow and ap-mumbai,
// where older buckets still live). It is the one list the configuration
// checks COS_REGION and COS_ALLOWED_REGIONS against; a region COS opens
// later is reached through COS_ENDPOINT until it is added here.
var Regions = []string{
	"ap-beijing-1", "ap-beijing", "ap-nanjing", "ap-shanghai", "ap-guangzhou",
	"ap-chengdu", "ap-chongqing", "ap-shenzhen-fsi", "ap-shanghai-fsi",
	"ap-beijing-fsi", "ap-hongkong", "ap-singapore", "ap-jakarta", "ap-seoul",
	"ap-bangkok", "ap-tokyo", "ap-mumbai", "na-siliconvalley", "na-ashburn",
	"na-toronto", "sa-saopaulo", "eu-frankfurt", "eu-moscow",
}

// KnownRegion says whether name is a COS region: one of Regions, or a
// legacy name or JSON-API alias of one (cn-south, cosgz), in any case,
// with or without the "cos." label the SDKs accept. A host is not.
func KnownRegion(name string) bool {
	c := CanonicalRegion(name)
	if c == "" || strings.Contains(c, ".") {
		return false
	}
	for _, r := range Regions {
		if r == c {
			return true
		}
	}
	return false
}
