// Package deploy holds the deployment material (scf_bootstrap for SCF web
// functions, scf.env.example) and the tests that hold template.yaml and
// serverless.yml to the code: handler, runtime, architecture, routes,
// build output, CORS headers, and the variables they set (only ones the
// code reads, secrets from a secret store or the function's role, the rest
// described where the descriptors say).
package deploy
