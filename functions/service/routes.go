package service

import (
	"context"
	"strings"

	"github.com/cos-signer/cos-signer/functions/auth"
)

// route names.
const (
	routeNone       = ""
	routeAuth       = "auth"
	routePresign    = "presign"
	routeDownload   = "download"
	routePostPolicy = "post-policy"
	routeBatch      = "batch"
	routeHealth     = "healthz"
	routeSTS        = "sts"
)

// routeNames are the names a path's last segment or a body's action may
// use for each route.
var routeNames = map[string]string{
	"auth": routeAuth, "presign": routePresign, "download": routeDownload,
	"post-policy": routePostPolicy, "postpolicy": routePostPolicy, "batch": routeBatch,
	"healthz": routeHealth, "health": routeHealth, "sts": routeSTS,
}

// actionNames are the seed SDK's method names, accepted as actions only.
var actionNames = map[string]string{
	"getauth": routeAuth, "get_auth": routeAuth, "get_presigned_url": routePresign,
	"get_presigned_download_url": routeDownload, "post_policy": routePostPolicy,
}

// routeOf matches the end of the path, so stage and service prefixes
// (/release/auth, /prod/sign/presign) do not matter. "" means the path names
// no route.
func routeOf(path string) string {
	path = strings.TrimRight(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	return routeNames[strings.ToLower(path)]
}

// routeOfAction reads the body field action.
func routeOfAction(a string) string {
	a = strings.ToLower(a)
	if r, ok := routeNames[a]; ok {
		return r
	}
	return actionNames[a]
}

// allowedHTTP is the Allow header of each route.
func allowedHTTP(route string) string {
	switch route {
	case routeAuth, routeBatch:
		return "POST, OPTIONS"
	case routeHealth:
		return "GET, HEAD, OPTIONS"
	}
	return "GET, POST, OPTIONS"
}

func methodFits(route, method string) bool {
	switch method {
	case "POST":
		return route != routeHealth
	case "GET":
		return route != routeAuth && route != routeBatch
	case "HEAD":
		return route == routeHealth
	}
	return false
}

// result is what a route answers: a JSON body, or for /download?redirect=1
// the location to redirect to.
type result struct {
	body     any
	location string
}

// dispatch runs one route on a decoded input.
func (s *Service) dispatch(ctx context.Context, route string, in *input, id *auth.Identity, le *logEntry, direct bool) (result, error) {
	now := s.now()
	var body any
	var err error
	switch route {
	case routeSTS:
		body, err = s.vendSTS(ctx, in, id, now, le)
	case routeBatch:
		body, err = s.batch(in, id, now, le)
	case routePostPolicy:
		body, err = s.postPolicy(in, id, now, le)
	default:
		var url string
		body, url, err = s.signOne(route, in, id, now, le)
		if err == nil && route == routeDownload && !direct && truthy(in.Redirect) {
			return result{location: url}, nil
		}
	}
	if err != nil {
		return result{}, err
	}
	return result{body: body}, nil
}

func truthy(v scalar) bool {
	switch strings.ToLower(v.s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
