// Package deploy holds the deployment material (scf_bootstrap for SCF web
// functions, scf.env.example) and the tests that hold template.yaml and
// serverless.yml to the code: handler, runtime, routes, build output and
// every environment variable the service reads.
package deploy
