package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A client can send X-Forwarded-For itself; ALB appends the address it saw,
// so only the last entry may be logged as the caller's.
func TestALBClientIPIsTheLastForwardedEntry(t *testing.T) {
	assert.Equal(t, "198.51.100.7", albClientIP("10.0.0.1, 203.0.113.9 , 198.51.100.7"))
	assert.Equal(t, "198.51.100.7", albClientIP("198.51.100.7"))
	assert.Equal(t, "", albClientIP(""))
}
