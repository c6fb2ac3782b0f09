package fakests

import "testing"

// Tencent's "Signature v3" documentation example (CVM DescribeInstances,
// timestamp 1551113065): the fake's verifier must reproduce its signature.
func TestSignatureMatchesTencentsPublishedExample(t *testing.T) {
	body := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	cr := CanonicalRequest("POST", "/", "", [][2]string{
		{"content-type", "application/json; charset=utf-8"},
		{"host", "cvm.tencentcloudapi.com"},
	}, body)
	got := Signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm", 1551113065, cr)
	if want := "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"; got != want {
		t.Fatalf("signature %s, Tencent's example says %s", got, want)
	}
	a, ok := ParseAuthorization("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + got)
	if !ok || a.SecretID != "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE" || a.Date != "2019-02-25" || a.Service != "cvm" || a.SignedHeaders != "content-type;host" || a.Signature != got {
		t.Fatalf("parsed %+v", a)
	}
}
