package signer

import "testing"

// BenchmarkHashingOnly is the hashing part of one reference signature
// through this package's own hashing path (9 SHA-1 blocks on SHA-NI), for
// comparing against BenchmarkAuthorization and BenchmarkFloorSHA1.
func BenchmarkHashingOnly(b *testing.B) {
	k := newHMACKey([]byte("EXAMPLEsecretKEYexampleSECRETkey12"))
	hs := []byte("get\n/exampleobject.txt\n\nhost=examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\n")
	kt := []byte("1700000000;1700003600")
	sts := []byte("sha1\n1700000000;1700003600\n0123456789012345678901234567890123456789\n")
	var buf [200]byte
	var a, c, d [40]byte
	for b.Loop() {
		sha1Hex(&a, append(buf[:0], hs...))
		k.hexSum(&c, kt)
		hmacHexOnce(&d, &c, sts)
	}
}
