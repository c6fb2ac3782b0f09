// Command floorweb is the hello-world HTTP server on $PORT that the web
// harness is tested with.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9000"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(os.Stderr, "hello", r.Method, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"hello":"world","path":%q}`, r.URL.Path)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, nil))
}
