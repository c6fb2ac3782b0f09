//go:build amd64 && !purego

package signer

//go:noescape
func blockSHANI(dig *sha1State, p []byte)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// useSHANI is true where the CPU has the SHA extensions (and the OS saves
// AVX state, which the block function's VEX instructions need): the same
// test crypto/sha1 makes.
var useSHANI = func() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	ssse3, sse41, osxsave, avx := ecx1&(1<<9) != 0, ecx1&(1<<19) != 0, ecx1&(1<<27) != 0, ecx1&(1<<28) != 0
	if !(ssse3 && sse41 && osxsave && avx) {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<29) != 0
}()
