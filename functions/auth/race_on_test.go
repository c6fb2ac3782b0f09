//go:build race

package auth_test

// raceDetector: sync.Pool drops items at random under -race, so allocation counts mean nothing there.
const raceDetector = true
