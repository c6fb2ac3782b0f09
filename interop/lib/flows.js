// The flows every SDK runs, in node and in a browser, through an adapter
// that hides how each SDK takes a body and gives one back. Each flow
// reports one result ({flow, ok, error?, code?, logged, data?}) through
// out.emit, and says what it is doing through out.progress. A flow reports
// what happened; the Go test decides what should.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.interopFlows = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // out is set by the runner: {emit(result), progress(line), env(name)}.
  const out = { emit: () => {}, progress: () => {}, env: () => '' };
  const env = (name, def) => out.env(name) || def;

  // What the getAuthorization recipe logged during the current flow.
  let logged = [];
  function recipeLog(msg) {
    logged.push(msg);
    out.progress(`  recipe logged: ${msg}`);
  }

  function call(cos, method, params) {
    return new Promise((resolve, reject) => {
      cos[method](params, (err, data) => (err ? reject(err) : resolve(data)));
    });
  }

  async function flow(name, fn) {
    logged = [];
    out.progress(name);
    const started = Date.now();
    let res;
    try {
      const data = await fn();
      res = { flow: name, ok: true, logged, data };
    } catch (err) {
      res = { flow: name, ok: false, error: describe(err), code: codeOf(err), logged };
    }
    out.progress(`  ${res.ok ? 'ok' : 'FAILED: ' + res.error} (${Date.now() - started} ms)`);
    await out.emit(res);
  }

  // The SDKs fail with an Error, {error: string | {Code, Message}}, or
  // {err: …} nested a level or two: the first message and code found.
  function describe(e, depth = 0) {
    if (typeof e === 'string') return e;
    if (!e || depth > 3) return String(e);
    if (e.message) return String(e.message);
    if (e.Message) return String(e.Message);
    if (e.errMsg) return String(e.errMsg);
    if (e.error || e.err) return describe(e.error || e.err, depth + 1);
    return JSON.stringify(e);
  }

  function codeOf(e, depth = 0) {
    if (!e || typeof e !== 'object' || depth > 3) return '';
    return String(e.code || e.Code || codeOf(e.error || e.err, depth + 1) || '');
  }

  function xmlCode(text) {
    const m = /<Code>([^<]*)<\/Code>/.exec(text || '');
    return m ? m[1] : '';
  }

  // The object flows. a is the SDK adapter: name, cos, textParams(text),
  // bigFile(name, bytes) -> {params, sha256}, bodyText(getObject data),
  // plainGet(url) -> {status, text}.
  async function objectFlows(a) {
    const Bucket = env('COS_BUCKET');
    const Region = env('COS_REGION');
    const prefix = env('KEY_PREFIX', 'interop/');
    const key = prefix + 'hello.txt';
    const text = 'hello from ' + a.name + ' ' + Date.now();

    await flow('putObject', async () => {
      const d = await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: key, ContentType: 'text/plain' }, await a.textParams(text)));
      return { key, etag: d.ETag, text };
    });
    await flow('headObject', async () => {
      const d = await call(a.cos, 'headObject', { Bucket, Region, Key: key });
      return { status: d.statusCode, etag: d.ETag || d.headers.etag };
    });
    await flow('getObject', async () => {
      const d = await call(a.cos, 'getObject', { Bucket, Region, Key: key });
      const got = await a.bodyText(d);
      if (got !== text) throw new Error(`getObject returned ${JSON.stringify(got)}`);
      return { length: got.length };
    });
    for (const method of ['uploadFile', 'sliceUploadFile']) {
      await flow(method, async () => {
        const f = await a.bigFile(method + '.bin', 3.5 * 1024 * 1024);
        const k = prefix + method + '.bin';
        const d = await call(a.cos, method, Object.assign({ Bucket, Region, Key: k, ChunkSize: 1024 * 1024, SliceSize: 1024 * 1024 }, f.params));
        return { key: k, sha256: f.sha256, etag: d.ETag };
      });
    }
    await flow('getObjectUrl', async () => {
      const d = await call(a.cos, 'getObjectUrl', { Bucket, Region, Key: key, Sign: true });
      const r = await a.plainGet(d.Url);
      if (r.status !== 200) throw Object.assign(new Error(`plain GET of the signed URL: ${r.status} ${r.text}`), { code: xmlCode(r.text) });
      if (r.text !== text) throw new Error(`plain GET returned ${JSON.stringify(r.text)}`);
      return { url: d.Url.replace(/q-signature=[0-9a-f]+/, 'q-signature=…') };
    });
    // A thumbnail the SDK way (docs/downloads.md): the processing is a Query
    // name with an empty value, passed to getAuthorization and signed.
    await flow('getObjectUrlThumbnail', async () => {
      const d = await call(a.cos, 'getObjectUrl', { Bucket, Region, Key: key, Sign: true, Query: { 'imageMogr2/thumbnail/200x': '' } });
      const r = await a.plainGet(d.Url);
      if (r.status !== 200) throw Object.assign(new Error(`plain GET of the signed thumbnail URL: ${r.status} ${r.text}`), { code: xmlCode(r.text) });
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
      await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: k, ContentType: 'text/plain' }, await a.textParams('retried')));
      return { key: k };
    });
    if (env('OTHER_KEY')) {
      await flow('otherUsersKey', async () => {
        await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: env('OTHER_KEY'), ContentType: 'text/plain' }, await a.textParams('not mine')));
        return {};
      });
    }
  }

  // The flows under upload limits (SIGN_ALLOWED_CONTENT_TYPES,
  // SIGN_MAX_CONTENT_LENGTH): an allowed type, a refused one, and a
  // multipart upload, each stating its type as a caller would.
  async function limitFlows(a) {
    const Bucket = env('COS_BUCKET');
    const Region = env('COS_REGION');
    const prefix = env('KEY_PREFIX', 'interop/');
    await flow('limitsPutObject', async () => {
      const text = 'limited ' + Date.now();
      const Key = prefix + 'limited.txt';
      const d = await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key, ContentType: 'text/plain' }, await a.textParams(text)));
      return { key: Key, etag: d.ETag, text };
    });
    await flow('limitsPutWrongType', async () => {
      await call(a.cos, 'putObject', Object.assign({ Bucket, Region, Key: prefix + 'limited.png', ContentType: 'image/png' }, await a.textParams('not a png')));
      return {};
    });
    await flow('limitsUploadFile', async () => {
      const f = await a.bigFile('limited.bin', 3.5 * 1024 * 1024);
      const Key = prefix + 'limited.bin';
      await call(a.cos, 'uploadFile', Object.assign({ Bucket, Region, Key, ContentType: 'application/octet-stream', ChunkSize: 1024 * 1024, SliceSize: 1024 * 1024 }, f.params));
      return { key: Key, sha256: f.sha256 };
    });
  }

  // run picks the flows of the configuration (LIMITS=1: limitFlows).
  const objectOrLimitFlows = (a) => (env('LIMITS') ? limitFlows(a) : objectFlows(a));

  return { out, env, call, flow, objectFlows, limitFlows, objectOrLimitFlows, recipeLog, xmlCode };
});
