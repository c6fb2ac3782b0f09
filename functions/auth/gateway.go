package auth

import (
	"encoding/json"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"
)

const reasonNoGatewayIdentity = "no verified identity from the gateway authorizer"

// gateway trusts the identity that the platform's authorizer verified. The
// platform adapter fills the authorizer map only from the platform's own
// request context, never from anything the caller sent.
type gateway struct{ claim string }

func (g *gateway) Mode() string { return ModeGateway }

// Authenticate accepts the shapes API Gateway hands a function:
//
//	HTTP API, JWT authorizer:           {"jwt": {"claims": {...}, "scopes": [...]}}
//	HTTP API, Lambda authorizer:        {"lambda": {...context...}}
//	REST API (Lambda or Cognito):       {"principalId": "...", "claims": {...}, ...context...}
//
//	HTTP API or Function URL, IAM:      {"iam": {"userId": "...", "userArn": "...", "cognitoIdentityId"?: "..."}}
//
// The identity is the configured claim from the claims, else from the
// Lambda authorizer context, else the principalId; for IAM, the configured
// claim, else the Cognito identity id, else the IAM principal's userId;
// an assumed-role session (shared by the role's users) is refused.
func (g *gateway) Authenticate(_ map[string]string, authorizer map[string]any, _ time.Time) (*Identity, error) {
	if len(authorizer) == 0 {
		return nil, &Error{Reason: reasonNoGatewayIdentity}
	}
	if iam, ok, copied := asMap(authorizer["iam"]); ok {
		return g.iamIdentity(iam, copied)
	}
	// claimsCopied and contextCopied: asMap made a fresh map, which the
	// Identity can own without another clone.
	var claims map[string]any
	var claimsCopied bool
	if j, ok, _ := asMap(authorizer["jwt"]); ok {
		claims, _, claimsCopied = asMap(j["claims"])
	} else if c, ok, copied := asMap(authorizer["claims"]); ok {
		claims, claimsCopied = c, copied
	}
	// REST API authorizers put their context at the top level.
	context, contextCopied := authorizer, false
	if l, ok, copied := asMap(authorizer["lambda"]); ok {
		context, contextCopied = l, copied
	}

	if sub, ok := identityValue(claims[g.claim]); ok {
		return &Identity{Subject: sub, Claims: own(claims, claimsCopied)}, nil
	}
	if sub, ok := identityValue(context[g.claim]); ok {
		return &Identity{Subject: sub, Claims: own(context, contextCopied)}, nil
	}
	for _, m := range []map[string]any{context, authorizer} {
		if sub, ok := identityValue(m["principalId"]); ok {
			return &Identity{Subject: sub, Claims: own(context, contextCopied)}, nil
		}
	}
	return nil, &Error{Reason: reasonNoGatewayIdentity}
}

// reasonSharedRoleSession refuses an assumed-role session as the caller.
const reasonSharedRoleSession = "the IAM caller is an assumed-role session (AROA…:<session>), which every user of the role " +
	"(every Cognito identity-pool user, guests too, as CognitoIdentityCredentials) shares: " +
	"put an HTTP API with a JWT authorizer in front, or an HTTP API whose IAM context carries the Cognito identity id"

// iamIdentity names a SigV4-signed caller: AWS verified the signature, so
// the principal is the caller. A Cognito identity pool's users share one
// role session; only where the platform passes the Cognito identity id
// (HTTP API) does each of them get their own. A role session as the
// subject would give all of them one {sub} folder, so it is refused.
func (g *gateway) iamIdentity(iam map[string]any, copied bool) (*Identity, error) {
	for _, claim := range []string{g.claim, "cognitoIdentityId", "userId"} {
		if sub, ok := identityValue(iam[claim]); ok {
			if isRoleSession(sub) {
				return nil, &UnusableError{Reason: reasonSharedRoleSession}
			}
			return &Identity{Subject: sub, Claims: own(iam, copied)}, nil
		}
	}
	return nil, &Error{Reason: reasonNoGatewayIdentity}
}

// isRoleSession reports an IAM userId of an assumed-role session: the
// role's unique id (AROA…), a colon, and a session name that whoever assumed
// the role chose, so it need not tell callers apart.
func isRoleSession(userID string) bool {
	role, _, ok := strings.Cut(userID, ":")
	return ok && strings.HasPrefix(role, "AROA")
}

// asMap reads a nested object, whichever map type the adapter built it with
// (aws-lambda-go gives JWT claims as map[string]string): the map, whether
// there is one, and whether it is a fresh copy rather than the adapter's.
func asMap(v any) (map[string]any, bool, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, m != nil, false
	case map[string]string:
		if m == nil {
			return nil, false, false
		}
		out := make(map[string]any, len(m))
		for k, s := range m {
			out[k] = s
		}
		return out, true, true
	}
	return nil, false, false
}

// own is m for an Identity to keep: the adapter's map is cloned, so the
// Identity never shares it.
func own(m map[string]any, copied bool) map[string]any {
	if copied {
		return m
	}
	return maps.Clone(m)
}

// maxExactFloat is the largest integer a float64 holds exactly (2^53).
const maxExactFloat = 1 << 53

// identityValue accepts a non-empty string, or an integer (a Lambda
// authorizer context may carry a numeric user id).
func identityValue(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, s != ""
	case json.Number:
		if _, err := s.Int64(); err == nil {
			return s.String(), true
		}
	case float64:
		if s == math.Trunc(s) && math.Abs(s) <= maxExactFloat {
			return strconv.FormatInt(int64(s), 10), true
		}
	case int:
		return strconv.Itoa(s), true
	case int64:
		return strconv.FormatInt(s, 10), true
	}
	return "", false
}
