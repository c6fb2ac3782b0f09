package signer

import (
	"crypto/sha1"
	"encoding/binary"
)

// SHA-1 and HMAC-SHA1 for the hot path, on stack buffers.
//
// A signature takes two HMACs and a hash. crypto/hmac allocates two hash
// states per call, and every sha1.Sum pays a fixed cost that, for messages
// of one or two blocks, is as large as the hashing itself. Where the CPU has
// the SHA extensions (useSHANI) we call the block function directly: one
// call per hash with the padding appended in place, and HMACs keyed by the
// secret key start from midstates computed once in New. Elsewhere
// crypto/sha1 does the work. Both paths are checked against the vectors.

type sha1State [5]uint32

var sha1IV = sha1State{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}

var zeros [64]byte

// finish hashes b, the end of a message of prefix+len(b) bytes whose first
// prefix bytes st has absorbed already, and returns the final state. b must
// have 72 bytes of spare capacity for the padding, or finish allocates.
func finish(st sha1State, prefix int, b []byte) sha1State {
	total := uint64(prefix+len(b)) * 8
	b = append(b, 0x80)
	pad := 56 - len(b)%64
	if pad < 0 {
		pad += 64
	}
	b = append(b, zeros[:pad]...)
	b = binary.BigEndian.AppendUint64(b, total)
	blockSHANI(&st, b)
	return st
}

// appendDigest appends a final state as the 20-byte digest.
func appendDigest(dst []byte, st *sha1State) []byte {
	for _, w := range st {
		dst = binary.BigEndian.AppendUint32(dst, w)
	}
	return dst
}

// hexDigest writes a final state as 40 hex digits.
func hexDigest(dst *[40]byte, st *sha1State) {
	var sum [sha1.Size]byte
	for i, w := range st {
		binary.BigEndian.PutUint32(sum[4*i:], w)
	}
	hex40(dst, &sum)
}

// hex40 writes a 20-byte digest as 40 hex digits, two at a time from a
// table.
func hex40(dst *[40]byte, sum *[sha1.Size]byte) {
	for i, c := range sum {
		binary.LittleEndian.PutUint16(dst[2*i:], hexPairs[c])
	}
}

// hexPairs holds each byte's two lower-case hex digits, first digit in the
// low byte.
var hexPairs = func() (t [256]uint16) {
	for i := range t {
		t[i] = uint16(lowerHex[i>>4]) | uint16(lowerHex[i&15])<<8
	}
	return
}()

// sha1Hex writes SHA-1(b) as hex; b should have 72 bytes of spare capacity.
func sha1Hex(dst *[40]byte, b []byte) {
	if useSHANI {
		st := finish(sha1IV, 0, b)
		hexDigest(dst, &st)
		return
	}
	sum := sha1.Sum(b)
	hex40(dst, &sum)
}

// hmacKey is a key made ready for HMAC-SHA1: its padded blocks and, on the
// fast path, the hash states after absorbing them.
type hmacKey struct {
	ipad, opad     [64]byte
	istate, ostate sha1State
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
	if useSHANI {
		k.istate, k.ostate = sha1IV, sha1IV
		blockSHANI(&k.istate, k.ipad[:])
		blockSHANI(&k.ostate, k.opad[:])
	}
	return k
}

// hexSum writes HMAC-SHA1(k, msg) as hex into dst. msg is a key time (at
// most 41 bytes) on the hot path; longer ones take the heap.
func (k *hmacKey) hexSum(dst *[40]byte, msg []byte) {
	if useSHANI {
		var buf [48 + 72]byte
		inner := finish(k.istate, 64, append(buf[:0], msg...))
		st := finish(k.ostate, 64, appendDigest(buf[:0], &inner))
		hexDigest(dst, &st)
		return
	}
	var buf [64 + 48 + 72]byte
	b := append(append(buf[:0], k.ipad[:]...), msg...)
	inner := sha1.Sum(b)
	b = append(append(buf[:0], k.opad[:]...), inner[:]...)
	sum := sha1.Sum(b)
	hex40(dst, &sum)
}

// hmacHexOnce is hexSum for a key used once (the per-window sign key, 40
// bytes): on the fast path the pad block goes in the same call as the
// message instead of a midstate of its own. msg is a string to sign (at
// most 88 bytes) on the hot path.
func hmacHexOnce(dst *[40]byte, key *[40]byte, msg []byte) {
	if !useSHANI {
		k := newHMACKey(key[:])
		k.hexSum(dst, msg)
		return
	}
	var buf [64 + 88 + 72]byte
	inner := finish(sha1IV, 0, append(xorPad(buf[:0], key, 0x36), msg...))
	st := finish(sha1IV, 0, appendDigest(xorPad(buf[:0], key, 0x5c), &inner))
	hexDigest(dst, &st)
}

// xorPad appends the 64-byte HMAC pad block of a 40-byte key, eight bytes at
// a time.
func xorPad(dst []byte, key *[40]byte, pad byte) []byte {
	p := uint64(pad) * 0x0101010101010101
	for i := 0; i < 40; i += 8 {
		dst = binary.LittleEndian.AppendUint64(dst, binary.LittleEndian.Uint64(key[i:])^p)
	}
	for range 3 {
		dst = binary.LittleEndian.AppendUint64(dst, p)
	}
	return dst
}
