//go:build !amd64 || purego

package signer

// Without the amd64 SHA-NI block function, hashing goes through crypto/sha1.
var useSHANI = false

func blockSHANI(dig *sha1State, p []byte) { panic("signer: blockSHANI without SHA-NI") }
