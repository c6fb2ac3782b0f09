// cos-nodejs-sdk-v5 with temporary credentials from cos-signer's /sts
// (docs/sts.md's recipe), against the fake COS, which checks each request's
// signature with the vended key and token and enforces the CAM policy the
// fake STS recorded. STS_FORM is prefix or scope; KEY_PREFIX is the
// caller's folder, OTHER_KEY another user's key, TYPE_LIMIT=1 when
// SIGN_ALLOWED_CONTENT_TYPES allows images only.
'use strict';

const COS = require('cos-nodejs-sdk-v5');
const { fetchTo, consoleTo } = require('./lib/recipe-env');
const { call, flow, recipeLog, randomFile, sha256, env, run } = require('./lib/node');

const Bucket = env('COS_BUCKET');
const Region = env('COS_REGION');
const prefix = env('KEY_PREFIX');
const typed = env('TYPE_LIMIT') === '1';
const type = typed ? 'image/png' : 'text/plain';

// docs/sts.md's recipe as the page writes it, in the form STS_FORM names;
// getAuthorization's calls are counted.
let authCalls = 0;
const counted = (COS) => function (options) {
  const { getAuthorization } = options;
  return new COS(Object.assign({}, options, {
    getAuthorization(o, cb) { authCalls++; getAuthorization(o, cb); },
    Protocol: 'http:', Proxy: env('COS_PROXY'),
  }));
};
const { cos } = require(env('RECIPES'))['sts-fetch']({
  COS: counted(COS),
  fetch: fetchTo(env('SIGNER_URL')),
  session: { token: env('USER_TOKEN', '') },
  console: consoleTo(recipeLog),
  scoped: env('STS_FORM') === 'scope',
});

async function main() {
  const key = prefix + 'sts-hello.png';
  const text = 'sts hello ' + Date.now();
  await flow('putObject', async () => {
    const d = await call(cos, 'putObject', { Bucket, Region, Key: key, ContentType: type, Body: Buffer.from(text) });
    return { key, etag: d.ETag, sha256: sha256(Buffer.from(text)) };
  });
  await flow('getObject', async () => {
    const d = await call(cos, 'getObject', { Bucket, Region, Key: key });
    if (d.Body.toString() !== text) throw new Error('getObject returned other bytes');
    return {};
  });
  await flow('sliceUploadFile', async () => {
    const f = randomFile(3.5 * 1024 * 1024);
    const k = prefix + 'sts-multipart.png';
    await call(cos, 'sliceUploadFile', { Bucket, Region, Key: k, FilePath: f.file, ChunkSize: 1024 * 1024, ContentType: type });
    return { key: k, sha256: f.sha256 };
  });
  await flow('otherUsersKey', async () => {
    await call(cos, 'putObject', { Bucket, Region, Key: env('OTHER_KEY'), ContentType: type, Body: Buffer.from('not mine') });
    return {};
  });
  await flow('publicACL', async () => {
    await call(cos, 'putObject', { Bucket, Region, Key: prefix + 'public.png', ACL: 'public-read', ContentType: type, Body: Buffer.from('x') });
    return {};
  });
  await flow('disallowedAction', async () => {
    await call(cos, 'deleteObject', { Bucket, Region, Key: key });
    return {};
  });
  if (typed) {
    await flow('wrongContentType', async () => {
      await call(cos, 'putObject', { Bucket, Region, Key: prefix + 'page.html', ContentType: 'text/html', Body: Buffer.from('<script>') });
      return {};
    });
  }
  if (env('STS_FORM') === 'scope') {
    await flow('scopeEscape', async () => {
      await call(cos, 'putObject', { Bucket, Region, Key: prefix + '../escape.png', ContentType: type, Body: Buffer.from('x') });
      return {};
    });
  }
  // The key form: credentials for one key the service chooses.
  await flow('keyForm', async () => {
    const r = await fetch(env('SIGNER_URL') + '/sts', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, env('USER_TOKEN') ? { 'X-Auth-Token': env('USER_TOKEN') } : {}),
      body: JSON.stringify({ ext: 'png', contentType: type }),
    });
    const answer = await r.json();
    if (!r.ok) throw new Error(`cos-signer ${r.status}: ${JSON.stringify(answer)}`);
    const one = new COS({ getAuthorization: (options, callback) => callback(answer), Protocol: 'http:', Proxy: env('COS_PROXY') });
    await call(one, 'putObject', { Bucket: answer.Bucket, Region: answer.Region, Key: answer.Key, ContentType: type, Body: Buffer.from('chosen') });
    const other = await call(one, 'putObject', { Bucket, Region, Key: prefix + 'not-the-chosen-key.png', ContentType: type, Body: Buffer.from('x') })
      .then(() => 'written', (e) => e.code || (e.error && e.error.Code) || String(e));
    return { key: answer.Key, sha256: sha256(Buffer.from('chosen')), otherKey: other };
  });
  await flow('summary', async () => ({ authCalls }));
}

run(main);
