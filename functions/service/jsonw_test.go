package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendStrMap(t *testing.T) {
	m := appendStrMap(nil, map[string]string{"b": "2", "a": "1", "c\"": "3"})
	assert.Equal(t, `{"a":"1","b":"2","c\"":"3"}`, string(m))
	assert.Equal(t, `{}`, string(appendStrMap(nil, nil)))
}
