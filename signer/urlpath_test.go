package signer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected paths are Python's urllib.parse.quote(key, safe="-_.~/")
// with a leading '/', and the vectors' urlPath where a vector has the key.
func TestURLPath(t *testing.T) {
	for key, want := range map[string]string{
		"photos/2024 夏天/猫.jpg": "/photos/2024%20%E5%A4%8F%E5%A4%A9/%E7%8C%AB.jpg",
		"/a+b c%d.jpg":         "/a%2Bb%20c%25d.jpg",
		"相册/猫 1.jpg":           "/%E7%9B%B8%E5%86%8C/%E7%8C%AB%201.jpg",
		"a/./b":                "/a/.%2Fb",
	} {
		assert.Equal(t, want, URLPath(key), key)
	}
}
