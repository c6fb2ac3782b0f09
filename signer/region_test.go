package signer

import "testing"

func TestKnownRegion(t *testing.T) {
	for name, want := range map[string]bool{
		"ap-guangzhou": true, "AP-Shanghai": true, "ap-beijing-1": true, "ap-shenzhen-fsi": true,
		"cn-south": true, "cosgz": true, // legacy name and JSON-API alias, as the SDKs map them
		"ap-guangzhuo": false, "guangzhou": false, "": false, "ap-northeast-1": false,
		"cos.ap-guangzhou": true, "cos.ap-guangzhou.myqcloud.com": false, "ap-guangzhou.": false,
		"ap-guangzhou.myqcloud.com": false, "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com": false,
	} {
		if got := KnownRegion(name); got != want {
			t.Errorf("KnownRegion(%q) = %v, want %v", name, got, want)
		}
	}
}
