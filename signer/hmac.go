package signer

import (
	"crypto/sha1"
	"encoding/hex"
)

// HMAC-SHA1 over stack buffers. A signature takes a hash and two HMACs;
// crypto/hmac allocates two hash states per call (and per key), while
// sha1.Sum over a pad block and the message, both on the stack, allocates
// nothing. crypto/sha1 picks the CPU's SHA instructions itself.

// hmacKey is a key made ready for HMAC-SHA1: its two pad blocks. The key
// itself is not kept.
type hmacKey struct {
	ipad, opad [64]byte
}

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

// hexSum writes HMAC-SHA1(k, msg) as hex into dst. msg is a key time or a
// string to sign (at most 88 bytes) on the hot path; longer ones take the
// heap.
func (k *hmacKey) hexSum(dst *[40]byte, msg []byte) {
	var buf [64 + 88]byte
	inner := sha1.Sum(append(append(buf[:0], k.ipad[:]...), msg...))
	sum := sha1.Sum(append(append(buf[:0], k.opad[:]...), inner[:]...))
	hex.Encode(dst[:], sum[:])
}

// sha1Hex writes SHA-1(b) as hex.
func sha1Hex(dst *[40]byte, b []byte) {
	sum := sha1.Sum(b)
	hex.Encode(dst[:], sum[:])
}
