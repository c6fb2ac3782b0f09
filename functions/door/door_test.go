package door

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBody(t *testing.T) {
	b, err := Body("", false)
	require.NoError(t, err)
	assert.Nil(t, b)
	b, err = Body(`{"key":"a"}`, false)
	require.NoError(t, err)
	assert.Equal(t, `{"key":"a"}`, string(b))
	b, err = Body("/w==", true)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xff}, b)
	_, err = Body("not base64!", true)
	var ee *EventError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "the event's body is marked isBase64Encoded but is not base64", err.Error())
	assert.NotContains(t, err.Error(), "not base64!") // never the event's content
}

func TestResponseBody(t *testing.T) {
	body, b64 := ResponseBody([]byte(`{"url":"…"}`))
	assert.Equal(t, `{"url":"…"}`, body)
	assert.False(t, b64)
	body, b64 = ResponseBody([]byte{0xff, 0xfe})
	assert.Equal(t, "//4=", body)
	assert.True(t, b64)
	assert.NotNil(t, ResponseHeaders(nil))
	assert.Equal(t, map[string]string{"A": "1"}, ResponseHeaders(map[string]string{"A": "1"}))
}

func TestHeaders(t *testing.T) {
	assert.Equal(t, map[string]string{"content-type": "application/json", "x-a": "1"},
		Headers(map[string]string{"Content-Type": "application/json", "X-A": "1"}, nil))
	// Multi-value headers win, joined; of names that differ only in case
	// the byte-wise greatest wins, whatever the map order.
	assert.Equal(t, map[string]string{"x-a": "2, 3"}, Headers(map[string]string{"X-A": "1"}, map[string][]string{"X-A": {"2", "3"}}))
	for range 20 {
		assert.Equal(t, map[string]string{"x-a": "lower"}, Headers(map[string]string{"X-A": "upper", "x-a": "lower", "X-a": "mixed"}, nil))
	}
}

func TestQuery(t *testing.T) {
	multi := map[string][]string{"key": {"a", "b"}}
	assert.Equal(t, multi, Query(map[string]string{"key": "b"}, multi))
	assert.Equal(t, map[string][]string{"key": {"a"}}, Query(map[string]string{"key": "a"}, nil))
	assert.Empty(t, Query(nil, nil))
}
