// cos-nodejs-sdk-v5 through cos-signer's /auth (README's fetch recipe, as
// README writes it), against the fake COS reached as the SDK's Proxy: every
// flow of flows.js.
'use strict';

const http = require('http');
const COS = require('cos-nodejs-sdk-v5');
const { fetchTo, consoleTo, withOptions } = require('./lib/recipe-env');
const { objectOrLimitFlows, recipeLog, env, randomFile, run } = require('./lib/node');

const proxy = new URL(env('COS_PROXY'));

const { cos } = require(env('RECIPES'))['auth-fetch']({
  // the fake COS speaks plain HTTP, as a proxy
  COS: withOptions(COS, { Protocol: 'http:', Proxy: env('COS_PROXY') }),
  fetch: fetchTo(env('SIGNER_URL')),
  session: { token: env('USER_TOKEN', '') },
  console: consoleTo(recipeLog),
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
