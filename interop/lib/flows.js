// The flows every SDK runs, through an adapter that hides how each SDK
// takes a body and gives one back. Each flow prints one JSON line on
// stdout ({flow, ok, error?, code?, logged, data?}); what it is doing goes
// to stderr. A flow reports what happened; the Go test decides what should.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const env = (name, def) => process.env[name] || def;

// What the getAuthorization recipe logged during the current flow.
let logged = [];
function recipeLog(msg) {
  logged.push(msg);
  process.stderr.write(`  recipe logged: ${msg}\n`);
}

function call(cos, method, params) {
  return new Promise((resolve, reject) => {
    cos[method](params, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

async function flow(name, fn) {
  logged = [];
  process.stderr.write(`${name}\n`);
  const started = Date.now();
  let out;
  try {
    const data = await fn();
    out = { flow: name, ok: true, logged, data };
  } catch (err) {
    const e = err || {};
    const code = e.code || (e.error && (e.error.Code || e.error.code)) || '';
    out = { flow: name, ok: false, error: String(e.message || (e.error && e.error.Message) || e.errMsg || JSON.stringify(e)), code: String(code), logged };
  }
  process.stderr.write(`  ${out.ok ? 'ok' : 'FAILED: ' + out.error} (${Date.now() - started} ms)\n`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

// A file of n bytes of random content, with its MD5 for the Go side.
function bigFile(name, n) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cos-interop-')), name);
  const data = crypto.randomBytes(n);
  fs.writeFileSync(file, data);
  return { file, md5: crypto.createHash('md5').update(data).digest('hex'), size: n };
}

const md5 = (buf) => crypto.createHash('md5').update(buf).digest('hex');

// The flows. a is the SDK adapter: cos, bodyParams(text), fileParams(path),
// bodyText(getObject data), plainGet(url) -> {status, text}.
async function objectFlows(a) {
  const Bucket = env('COS_BUCKET');
  const Region = env('COS_REGION');
  const prefix = env('KEY_PREFIX', 'interop/');
  const key = prefix + 'hello.txt';
  const text = 'hello from ' + a.name + ' ' + Date.now();

  await flow('putObject', async () => {
    const d = await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: key, ContentType: 'text/plain' }, a.bodyParams(text)));
    return { key, etag: d.ETag, md5: md5(Buffer.from(text)) };
  });
  await flow('headObject', async () => {
    const d = await call(a.cos, 'headObject', { Bucket, Region, Key: key });
    return { status: d.statusCode, etag: d.ETag || d.headers.etag };
  });
  await flow('getObject', async () => {
    const d = await call(a.cos, 'getObject', { Bucket, Region, Key: key });
    const got = a.bodyText(d);
    if (got !== text) throw new Error(`getObject returned ${JSON.stringify(got)}`);
    return { length: got.length };
  });
  for (const method of ['uploadFile', 'sliceUploadFile']) {
    await flow(method, async () => {
      const f = bigFile(method + '.bin', 3.5 * 1024 * 1024);
      const k = prefix + method + '.bin';
      const d = await call(a.cos, method, Object.assign({ Bucket, Region, Key: k, ChunkSize: 1024 * 1024, SliceSize: 1024 * 1024 }, a.fileParams(f.file)));
      return { key: k, md5: f.md5, size: f.size, etag: d.ETag };
    });
  }
  await flow('getObjectUrl', async () => {
    const d = await call(a.cos, 'getObjectUrl', { Bucket, Region, Key: key, Sign: true });
    const r = await a.plainGet(d.Url);
    if (r.status !== 200) throw Object.assign(new Error(`plain GET of the signed URL: ${r.status} ${r.text}`), { code: xmlCode(r.text) });
    if (r.text !== text) throw new Error(`plain GET returned ${JSON.stringify(r.text)}`);
    return { url: d.Url.replace(/q-signature=[0-9a-f]+/, 'q-signature=…') };
  });
  await flow('deleteObject', async () => {
    await call(a.cos, 'deleteObject', { Bucket, Region, Key: key });
    const gone = await call(a.cos, 'headObject', { Bucket, Region, Key: key }).then(() => false, (e) => e.statusCode === 404);
    if (!gone) throw new Error('headObject after deleteObject did not answer 404');
    return {};
  });
  // The Go side makes the fake COS answer 503 to the first PUT of this key.
  await flow('retryAfter503', async () => {
    const k = prefix + 'retry.txt';
    await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: k, ContentType: 'text/plain' }, a.bodyParams('retried')));
    return { key: k };
  });
  if (env('OTHER_KEY')) {
    await flow('otherUsersKey', async () => {
      await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: env('OTHER_KEY'), ContentType: 'text/plain' }, a.bodyParams('not mine')));
      return {};
    });
  }
}

function xmlCode(text) {
  const m = /<Code>([^<]*)<\/Code>/.exec(text || '');
  return m ? m[1] : '';
}

module.exports = { call, flow, objectFlows, recipeLog, bigFile, md5, env, xmlCode };
