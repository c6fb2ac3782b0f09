package signer

import "crypto/sha1"

// HMAC-SHA1 on stack buffers. crypto/hmac allocates two hash states per
// call; a signature needs two HMACs, and these few lines keep signing free of
// allocations (the secret key's pads are computed once, in New).

type hmacKey struct{ ipad, opad [64]byte }

func newHMACKey(key []byte) hmacKey {
	if len(key) > 64 {
		sum := sha1.Sum(key)
		key = sum[:]
	}
	var k hmacKey
	copy(k.ipad[:], key)
	copy(k.opad[:], key)
	for i := range k.ipad {
		k.ipad[i] ^= 0x36
		k.opad[i] ^= 0x5c
	}
	return k
}

// sum returns HMAC-SHA1(key, msg).
func (k *hmacKey) sum(msg []byte) [sha1.Size]byte {
	var buf [64 + 128]byte
	b := append(buf[:0], k.ipad[:]...)
	b = append(b, msg...)
	inner := sha1.Sum(b)
	b = append(buf[:0], k.opad[:]...)
	b = append(b, inner[:]...)
	return sha1.Sum(b)
}

// hexSum writes HMAC-SHA1(key, msg) as 40 lower-case hex digits into dst.
func (k *hmacKey) hexSum(dst *[40]byte, msg []byte) {
	sum := k.sum(msg)
	appendHex(dst[:0], sum[:])
}
