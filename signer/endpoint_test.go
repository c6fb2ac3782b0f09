package signer

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func vectorByID(t *testing.T, id string) vector {
	for _, v := range loadVectors(t) {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no vector %s", id)
	return vector{}
}

// An endpoint override is how python selects global acceleration: it must
// sign exactly as region "accelerate" does in the vector.
func TestEndpointOverrideMatchesAccelerateVector(t *testing.T) {
	v := vectorByID(t, "region-global-accelerate")
	s, err := New(Credentials{SecretID: v.Input.SecretID, SecretKey: v.Input.SecretKey}, Endpoint{Endpoint: "cos.accelerate.myqcloud.com"})
	require.NoError(t, err)
	a, err := s.Authorization(v.request())
	require.NoError(t, err)
	assert.Equal(t, v.Expected.Authorization, a.Authorization)
	p, err := s.PresignURL(v.request())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(p.URL, "https://"+strings.ToLower(v.Input.Bucket)+".cos.accelerate.myqcloud.com/"), p.URL)
}

// A custom domain is the host, whatever the bucket; cos-go-sdk-v5 with that
// domain as its bucket URL signs the same.
func TestCustomDomainAgreesWithCosGoSDK(t *testing.T) {
	s, err := New(Credentials{SecretID: "AKIDdomain", SecretKey: "domainKey"}, Endpoint{Domain: "Static.Example.com"})
	require.NoError(t, err)
	w := Window{Start: 1700000000, End: 1700000600}
	r := &Request{Method: "GET", Bucket: "examplebucket-1250000000", Key: "img/a b.png", Window: w}
	p, err := s.PresignURL(r)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(p.URL, "https://static.example.com/img/a%20b.png?"), p.URL)
	a, err := s.Authorization(r)
	require.NoError(t, err)
	assert.Equal(t, "static.example.com", a.Host)

	u, _ := url.Parse("https://static.example.com")
	client := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{})
	opt := &cos.PresignedURLOptions{AuthTime: &cos.AuthTime{SignStartTime: time.Unix(w.Start, 0), SignEndTime: time.Unix(w.End, 0), KeyStartTime: time.Unix(w.Start, 0), KeyEndTime: time.Unix(w.End, 0)}}
	goURL, err := client.Object.GetPresignedURL(context.Background(), "GET", r.Key, "AKIDdomain", "domainKey", time.Hour, opt)
	require.NoError(t, err)
	assert.Equal(t, goURL.Query().Get("q-signature"), queryOf(t, p.URL).Get("q-signature"))
}

// With a port, python signs the host without it (the port stays in the URL):
// the same signature as the port-less domain.
func TestCustomDomainPortIsNotSigned(t *testing.T) {
	w := Window{Start: 1700000000, End: 1700000600}
	r := &Request{Method: "PUT", Bucket: "examplebucket-1250000000", Key: "k", Window: w}
	withPort, err := New(Credentials{SecretID: "AKID", SecretKey: "k"}, Endpoint{Domain: "cdn.example.com:8443", Scheme: "http"})
	require.NoError(t, err)
	without, err := New(Credentials{SecretID: "AKID", SecretKey: "k"}, Endpoint{Domain: "cdn.example.com"})
	require.NoError(t, err)
	a1, err := withPort.Authorization(r)
	require.NoError(t, err)
	a2, err := without.Authorization(r)
	require.NoError(t, err)
	assert.Equal(t, a2.Authorization, a1.Authorization)
	p, err := withPort.PresignURL(r)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(p.URL, "http://cdn.example.com:8443/k?"), p.URL)

	// And the port-less signature is cos-go-sdk-v5's, so both are.
	u, _ := url.Parse("https://cdn.example.com")
	client := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{})
	opt := &cos.PresignedURLOptions{AuthTime: &cos.AuthTime{SignStartTime: time.Unix(w.Start, 0), SignEndTime: time.Unix(w.End, 0), KeyStartTime: time.Unix(w.Start, 0), KeyEndTime: time.Unix(w.End, 0)}}
	goURL, err := client.Object.GetPresignedURL(context.Background(), "PUT", r.Key, "AKID", "k", time.Hour, opt)
	require.NoError(t, err)
	p2, err := without.PresignURL(r)
	require.NoError(t, err)
	assert.Equal(t, goURL.Query().Get("q-signature"), queryOf(t, p2.URL).Get("q-signature"))
}

func TestRegionOverridePerRequest(t *testing.T) {
	v := vectorByID(t, "region-na-toronto")
	s, err := New(Credentials{SecretID: v.Input.SecretID, SecretKey: v.Input.SecretKey}, Endpoint{Region: "ap-guangzhou"})
	require.NoError(t, err)
	r := v.request()
	r.Region = v.Input.Region
	a, err := s.Authorization(r)
	require.NoError(t, err)
	assert.Equal(t, v.Expected.Authorization, a.Authorization)
	// The host cache must not hand the default region's host to another region.
	_, err = s.Authorization(&Request{Method: "GET", Bucket: v.Input.Bucket, Key: "x", Window: r.Window})
	require.NoError(t, err)
	a, err = s.Authorization(r)
	require.NoError(t, err)
	assert.Equal(t, v.Expected.Authorization, a.Authorization)
}

func TestEndpointValidation(t *testing.T) {
	creds := Credentials{SecretID: "AKID", SecretKey: "k"}
	for _, e := range []Endpoint{
		{Scheme: "ftp"}, {Domain: "https://cdn.example.com"}, {Domain: "cdn.example.com/path"}, {Domain: "cdn.example.com:99999"},
		{Endpoint: "cos.accelerate.myqcloud.com/"}, {Endpoint: "-bad.example.com"}, {Region: "ap_guangzhou"}, {Region: "a"},
	} {
		_, err := New(creds, e)
		var se *Error
		require.ErrorAs(t, err, &se, "%+v", e)
	}
	for _, c := range []Credentials{{SecretID: "", SecretKey: "k"}, {SecretID: "A", SecretKey: ""}, {SecretID: "A B", SecretKey: "k"}, {SecretID: "A", SecretKey: "k\n"}, {SecretID: "A", SecretKey: "k", SessionToken: "t\r\n"}} {
		_, err := New(c, Endpoint{Region: "ap-guangzhou"})
		require.ErrorIs(t, err, ErrInvalidCredentials)
		assert.NotContains(t, err.Error(), c.SecretKey+"\n")
	}
	// Without region, endpoint or domain, there is no host.
	s, err := New(creds, Endpoint{})
	require.NoError(t, err)
	_, err = s.Authorization(&Request{Method: "GET", Bucket: "b-1", Key: "k", Window: Window{Start: 1, End: 2}})
	require.ErrorIs(t, err, ErrInvalidRegion)
}

func queryOf(t *testing.T, raw string) url.Values {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query()
}
