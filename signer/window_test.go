package signer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testNow = time.Unix(1700000000, 500_000_000)

const time1 = time.Second

func TestNewWindowBackdatesLikePython(t *testing.T) {
	w, err := NewWindow(testNow, 300*time.Second)
	require.NoError(t, err)
	assert.Equal(t, Window{Start: 1700000000 - 60, End: 1700000300}, w)
}
