// Command floorscfhttps is the size floor of an SCF function that makes an
// outgoing HTTPS call, as /sts does: the hello-world scf-go-lib function plus
// one net/http request. scf-go-lib serves through net/rpc, whose
// reflect.Type.Method use makes the linker keep every exported method of
// every reachable type, so the HTTPS client costs far more here than in a
// Lambda binary. Built for TestBinarySizes only; never run.
package main

import (
	"context"
	"net/http"

	"github.com/tencentyun/scf-go-lib/cloudfunction"
)

type event struct {
	URL string `json:"url"`
}

func handle(ctx context.Context, e event) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func main() { cloudfunction.Start(handle) }
