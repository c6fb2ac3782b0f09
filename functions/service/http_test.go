package service

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCutBodyIsRefused: a POST whose body ends before its Content-Length
// (the client gone) is a 400 over real HTTP, never a URL signed from the
// query alone (issue 13 item 4).
func TestCutBodyIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	srv := httptest.NewServer(f.svc)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	body := `{"key":"a.txt","method":"PUT"`
	_, err = io.WriteString(conn, "POST /presign?key=q.txt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"+body)
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite()) // the client is gone: the body stops short
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	var a struct{ Error errorDetail }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	assert.Equal(t, "IncompleteBody", a.Error.Code)
	assert.Contains(t, a.Error.Message, "could not be read whole")

	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines(f.log.String())[0]), &line))
	assert.Equal(t, "IncompleteBody", line["code"])
	assert.Equal(t, "127.0.0.1", line["sourceIp"], "the address without the port")
}

// TestMultipartBodyIsRefused: a multipart/form-data body is a 415 naming
// the body types read, not an InvalidJSON about a '-' (issue 13 item 3).
func TestMultipartBodyIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\na.txt\r\n--XyZ--\r\n"
	a := f.serve(&Request{Method: "POST", Path: "/presign", Body: []byte(body), Header: map[string]string{"content-type": "multipart/form-data; boundary=XyZ"}})
	assert.Equal(t, 415, a.status, "%s", a.body)
	assert.Equal(t, "UnsupportedMediaType", a.code())
	assert.Contains(t, a.message(), "application/json")
	assert.Contains(t, a.message(), "application/x-www-form-urlencoded")

	req := httptest.NewRequest("POST", "/presign", strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XyZ")
	rec := httptest.NewRecorder()
	f.svc.ServeHTTP(rec, req)
	assert.Equal(t, 415, rec.Code)
}
