package auth_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cos-signer/cos-signer/functions/auth"
	"github.com/cos-signer/cos-signer/internal/authtest"
)

func TestGatewayAuthenticate(t *testing.T) {
	const noIdentity = "no verified identity from the gateway authorizer"
	cases := []struct {
		name       string
		claim      string // AUTH_IDENTITY_CLAIM
		authorizer map[string]any
		wantSub    string
		reason     string
	}{
		{name: "HTTP API JWT authorizer",
			authorizer: map[string]any{"jwt": map[string]any{
				"claims": map[string]any{"sub": "user-1", "email": "a@example.com"}, "scopes": []any{"upload"},
			}},
			wantSub: "user-1"},
		{name: "HTTP API JWT claims as map[string]string (aws-lambda-go)",
			authorizer: map[string]any{"jwt": map[string]any{"claims": map[string]string{"sub": "user-2"}}},
			wantSub:    "user-2"},
		{name: "HTTP API JWT authorizer, custom claim", claim: "username",
			authorizer: map[string]any{"jwt": map[string]any{"claims": map[string]any{"sub": "uuid", "username": "alice"}}},
			wantSub:    "alice"},
		{name: "HTTP API Lambda authorizer context",
			authorizer: map[string]any{"lambda": map[string]any{"sub": "user-3", "tenant": "t1"}},
			wantSub:    "user-3"},
		{name: "Lambda authorizer with a numeric user id", claim: "userId",
			authorizer: map[string]any{"lambda": map[string]any{"userId": float64(12345)}},
			wantSub:    "12345"},
		{name: "Lambda authorizer numeric id as json.Number", claim: "userId",
			authorizer: map[string]any{"lambda": map[string]any{"userId": json.Number("987654321")}},
			wantSub:    "987654321"},
		{name: "null jwt and iam next to lambda (marshalled aws-lambda-go struct)",
			authorizer: map[string]any{"jwt": nil, "iam": nil, "lambda": map[string]any{"sub": "user-4"}},
			wantSub:    "user-4"},
		{name: "REST API Lambda authorizer principalId",
			authorizer: map[string]any{"principalId": "user-5", "integrationLatency": float64(12)},
			wantSub:    "user-5"},
		{name: "REST API Lambda authorizer context key", claim: "uid",
			authorizer: map[string]any{"principalId": "p", "uid": "user-6"},
			wantSub:    "user-6"},
		{name: "REST API Cognito authorizer claims",
			authorizer: map[string]any{"claims": map[string]any{"sub": "cognito-uuid", "cognito:username": "bob"}},
			wantSub:    "cognito-uuid"},
		{name: "REST API Cognito claims win over principalId",
			authorizer: map[string]any{"principalId": "p", "claims": map[string]any{"sub": "from-claims"}},
			wantSub:    "from-claims"},
		{name: "claim missing falls back to principalId", claim: "email",
			authorizer: map[string]any{"principalId": "user-7", "claims": map[string]any{"sub": "s"}},
			wantSub:    "user-7"},
		{name: "principalId inside lambda context",
			authorizer: map[string]any{"lambda": map[string]any{"principalId": "user-8"}},
			wantSub:    "user-8"},
		{name: "Function URL IAM: the principal's userId",
			authorizer: map[string]any{"iam": map[string]any{"userArn": "arn:aws:iam::123456789012:user/alice", "userId": "AIDAEXAMPLE", "accountId": "123456789012"}},
			wantSub:    "AIDAEXAMPLE"},
		{name: "HTTP API IAM through a Cognito identity pool: the identity id, not the shared role session",
			authorizer: map[string]any{"iam": map[string]any{"userId": "AROAEXAMPLE:CognitoIdentityCredentials", "cognitoIdentityId": "ap-northeast-1:1234-abcd"}},
			wantSub:    "ap-northeast-1:1234-abcd"},
		{name: "IAM, configured claim", claim: "accountId",
			authorizer: map[string]any{"iam": map[string]any{"userId": "AIDAEXAMPLE", "accountId": "123456789012"}},
			wantSub:    "123456789012"},

		{name: "absent", authorizer: nil, reason: noIdentity},
		{name: "IAM without a principal", authorizer: map[string]any{"iam": map[string]any{"userId": "", "accountId": ""}}, reason: noIdentity},
		{name: "IAM is not an object", authorizer: map[string]any{"iam": "AIDAEXAMPLE"}, reason: noIdentity},
		{name: "empty", authorizer: map[string]any{}, reason: noIdentity},
		{name: "JWT authorizer without the claim",
			authorizer: map[string]any{"jwt": map[string]any{"claims": map[string]any{"email": "a@example.com"}}}, reason: noIdentity},
		{name: "empty sub", authorizer: map[string]any{"jwt": map[string]any{"claims": map[string]any{"sub": ""}}}, reason: noIdentity},
		{name: "sub of the wrong type", authorizer: map[string]any{"lambda": map[string]any{"sub": []any{"a"}}}, reason: noIdentity},
		{name: "fractional number", claim: "uid", authorizer: map[string]any{"lambda": map[string]any{"uid": 1.5}}, reason: noIdentity},
		{name: "empty principalId", authorizer: map[string]any{"principalId": ""}, reason: noIdentity},
		{name: "claims not an object", authorizer: map[string]any{"jwt": "sub=x", "claims": 3}, reason: noIdentity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "gateway", "AUTH_IDENTITY_CLAIM": tc.claim}))
			require.NoError(t, err)
			require.Equal(t, "gateway", a.Mode())
			id, err := a.Authenticate(nil, tc.authorizer, now)
			if tc.reason != "" {
				assert.Nil(t, id)
				var ae *auth.Error
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.reason, ae.Reason)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, id)
			assert.Equal(t, tc.wantSub, id.Subject)
			assert.NotEmpty(t, id.Claims)
		})
	}
}

// TestGatewayRefusesSharedRoleSession: an assumed-role session is one
// subject for every user of the role (through a Function URL, every Cognito
// identity-pool user, guests too), so it would give them one {sub} folder.
func TestGatewayRefusesSharedRoleSession(t *testing.T) {
	for name, tc := range map[string]struct {
		claim string
		iam   map[string]any
	}{
		"Function URL, Cognito identity pool": {iam: map[string]any{"userId": "AROAEXAMPLE:CognitoIdentityCredentials",
			"userArn": "arn:aws:sts::123456789012:assumed-role/Cognito_PoolUnauth_Role/CognitoIdentityCredentials"}},
		"another role session":           {iam: map[string]any{"userId": "AROAEXAMPLE:i-0123456789"}},
		"the session named by the claim": {claim: "userId", iam: map[string]any{"userId": "AROAEXAMPLE:CognitoIdentityCredentials", "cognitoIdentityId": "ap-northeast-1:1234"}},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "gateway", "AUTH_IDENTITY_CLAIM": tc.claim}))
			require.NoError(t, err)
			id, err := a.Authenticate(nil, map[string]any{"iam": tc.iam}, now)
			assert.Nil(t, id)
			var ue *auth.UnusableError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, ue.Reason, "HTTP API with a JWT authorizer")
		})
	}
}

func TestGatewayIgnoresHeaders(t *testing.T) {
	// A caller's own header is never an identity in gateway mode.
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "gateway"}))
	require.NoError(t, err)
	_, err = a.Authenticate(map[string]string{"authorization": "Bearer x", "x-auth-token": "y", "principalid": "admin"}, nil, now)
	require.EqualError(t, err, "no verified identity from the gateway authorizer")
}

func TestGatewayClaimsAreACopy(t *testing.T) {
	a, err := auth.FromEnv(authtest.Getenv(map[string]string{"AUTH_MODE": "gateway"}))
	require.NoError(t, err)
	claims := map[string]any{"sub": "user-1"}
	id, err := a.Authenticate(nil, map[string]any{"jwt": map[string]any{"claims": claims}}, now)
	require.NoError(t, err)
	id.Claims["sub"] = "changed"
	assert.Equal(t, "user-1", claims["sub"])
}
