// cos-wx-sdk-v5 in node under the wx shim, through cos-signer's /auth
// (README's wx.request recipe, SimpleUploadMethod: 'putObject'): every flow
// of flows.js, plus a small uploadFile, the SDK's default postObject (which
// the service refuses), and README's wx.uploadFile + /post-policy recipe.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { install } = require('./lib/wx-shim');
const { objectFlows, flow, call, recipeLog, bigFile, md5, env } = require('./lib/flows');

install({ signerUrl: env('SIGNER_URL'), cosProxy: env('COS_PROXY') });
const COS = require('cos-wx-sdk-v5');
const { wxAuthorization, wxPostPolicyUpload } = require('./lib/recipes');

const getAuthorization = wxAuthorization(env('SIGNER_URL'), env('USER_TOKEN'), recipeLog);
const cos = new COS({ getAuthorization, SimpleUploadMethod: 'putObject' });

// A temporary file, as wx.chooseMedia hands one over.
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-interop-wx-'));
let n = 0;
function tempFile(text) {
  const f = path.join(tmpDir, `tmp-${++n}.txt`);
  fs.writeFileSync(f, text);
  return f;
}

function plainGet(url) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      dataType: 'text',
      success: (res) => resolve({ status: res.statusCode, text: res.data }),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}

(async () => {
  await objectFlows({
    name: 'cos-wx-sdk-v5',
    cos,
    bodyParams: (text) => ({ FilePath: tempFile(text) }),
    fileParams: (file) => ({ FilePath: file }),
    bodyText: (d) => (typeof d.Body === 'string' ? d.Body : Buffer.from(d.Body).toString()),
    plainGet,
  });

  const Bucket = env('COS_BUCKET');
  const Region = env('COS_REGION');
  const prefix = env('KEY_PREFIX', 'interop/');
  await flow('uploadFileSmall', async () => {
    const f = bigFile('small.bin', 200 * 1024);
    const Key = prefix + 'small.bin';
    await call(cos, 'uploadFile', { Bucket, Region, Key, FilePath: f.file });
    return { key: Key, md5: f.md5 };
  });
  // README's recipe without SimpleUploadMethod: the SDK's default simple
  // upload is postObject, which asks to sign "post /".
  await flow('uploadFileDefaultPostObject', async () => {
    const plain = new COS({ getAuthorization });
    const f = bigFile('default.bin', 1024);
    await call(plain, 'uploadFile', { Bucket, Region, Key: prefix + 'default.bin', FilePath: f.file });
    return {};
  });
  await flow('postPolicyUpload', async () => {
    const text = 'posted by wx.uploadFile ' + Date.now();
    const key = await new Promise((resolve, reject) =>
      wxPostPolicyUpload(env('SIGNER_URL'), env('USER_TOKEN'), tempFile(text), (err, k) => (err ? reject(err) : resolve(k)), recipeLog));
    return { key, md5: md5(Buffer.from(text)) };
  });
})().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  }
);
