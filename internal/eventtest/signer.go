package eventtest

import (
	"sync"
	"testing"

	"github.com/cos-signer/cos-signer/signer"
)

// envSigner is the signer that events/env.json describes, built once.
var envSigner struct {
	once   sync.Once
	s      *signer.Signer
	bucket string
	err    error
}

func testSigner(t testing.TB) *signer.Signer {
	t.Helper()
	env := Env(t)
	envSigner.once.Do(func() {
		get := func(a, b string) string {
			if v := env[a]; v != "" {
				return v
			}
			return env[b]
		}
		envSigner.bucket = env["COS_BUCKET"]
		envSigner.s, envSigner.err = signer.New(
			signer.Credentials{SecretID: get("COS_SECRET_ID", "TENCENTCLOUD_SECRETID"),
				SecretKey:    get("COS_SECRET_KEY", "TENCENTCLOUD_SECRETKEY"),
				SessionToken: get("COS_SESSION_TOKEN", "TENCENTCLOUD_SESSIONTOKEN")},
			signer.Endpoint{Region: env["COS_REGION"], Endpoint: env["COS_ENDPOINT"], Domain: env["COS_DOMAIN"], Scheme: env["COS_SCHEME"]})
	})
	if envSigner.err != nil {
		t.Fatalf("eventtest: a signer from events/env.json: %v", envSigner.err)
	}
	return envSigner.s
}
