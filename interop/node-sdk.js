// cos-nodejs-sdk-v5 through cos-signer's /auth (README's fetch recipe),
// against the fake COS reached as the SDK's Proxy: every flow of flows.js.
'use strict';

const http = require('http');
const COS = require('cos-nodejs-sdk-v5');
const { fetchAuthorization } = require('./lib/recipes');
const { objectOrLimitFlows, recipeLog, env, randomFile, run } = require('./lib/node');

const proxy = new URL(env('COS_PROXY'));

const cos = new COS({
  getAuthorization: fetchAuthorization(env('SIGNER_URL'), env('USER_TOKEN'), recipeLog),
  Protocol: 'http:', // the fake COS speaks plain HTTP, as a proxy
  Proxy: env('COS_PROXY'),
});

// A plain GET of a URL, as any HTTP client would send it, through the proxy.
function plainGet(url) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.get({ host: proxy.hostname, port: proxy.port, path: url, headers: { Host: u.host } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
  });
}

run(() =>
  objectOrLimitFlows({
    name: 'cos-nodejs-sdk-v5',
    cos,
    textParams: (text) => ({ Body: Buffer.from(text) }),
    bigFile: (name, bytes) => {
      const f = randomFile(bytes);
      return { params: { FilePath: f.file }, sha256: f.sha256 };
    },
    bodyText: (d) => d.Body.toString(),
    plainGet,
  })
);
