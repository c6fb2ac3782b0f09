// cos-wx-sdk-v5 in node under the wx shim, through cos-signer's /auth
// (README's wx.request recipe as README writes it, SimpleUploadMethod:
// 'putObject'): every flow of flows.js, plus a small uploadFile, the SDK's
// default postObject (which the service refuses), and README's
// wx.uploadFile + /post-policy recipe.
'use strict';

const fs = require('fs');
const { install } = require('./lib/wx-shim');
const { objectOrLimitFlows, flow, call, recipeLog, env, tempFile, randomFile, sha256, xmlCode, run } = require('./lib/node');

install({ signerUrl: env('SIGNER_URL'), cosProxy: env('COS_PROXY') });
const COS = require('cos-wx-sdk-v5');
const { wxTo, consoleTo, withOptions } = require('./lib/recipe-env');
const recipes = require(env('RECIPES'));

let getAuthorization; // the recipe's, for the SDK's default upload method below
const { cos } = recipes['auth-wx']({
  COS: withOptions(COS, {}, (options) => { getAuthorization = options.getAuthorization; }),
  wx: wxTo(env('SIGNER_URL')),
  session: { token: env('USER_TOKEN', '') },
  console: consoleTo(recipeLog),
});

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

run(async () => {
  await objectOrLimitFlows({
    name: 'cos-wx-sdk-v5',
    cos,
    textParams: (text) => ({ FilePath: tempFile(text) }),
    bigFile: (name, bytes) => {
      const f = randomFile(bytes);
      return { params: { FilePath: f.file }, sha256: f.sha256 };
    },
    bodyText: (d) => (typeof d.Body === 'string' ? d.Body : Buffer.from(d.Body).toString()),
    plainGet,
  });

  const Bucket = env('COS_BUCKET');
  const Region = env('COS_REGION');
  const prefix = env('KEY_PREFIX', 'interop/');
  if (!env('LIMITS')) {
    await flow('uploadFileSmall', async () => {
      const f = randomFile(200 * 1024);
      const Key = prefix + 'small.bin';
      await call(cos, 'uploadFile', { Bucket, Region, Key, FilePath: f.file });
      return { key: Key, sha256: f.sha256 };
    });
    // README's recipe without SimpleUploadMethod: the SDK's default simple
    // upload is postObject, which asks to sign "post /".
    await flow('uploadFileDefaultPostObject', async () => {
      const plain = new COS({ getAuthorization });
      const f = randomFile(1024);
      await call(plain, 'uploadFile', { Bucket, Region, Key: prefix + 'default.bin', FilePath: f.file });
      return {};
    });
  }
  // README's /post-policy recipe with file as wx.chooseMedia hands it over
  // (a path and the size it reports); it says how it ended on the console:
  // "stored as <key>", or an error line.
  const postPolicy = (tempFilePath, size = fs.statSync(tempFilePath).size) =>
    new Promise((resolve, reject) =>
      recipes['post-policy-wx']({
        wx: wxTo(env('SIGNER_URL')),
        session: { token: env('USER_TOKEN', '') },
        file: { tempFilePath, size },
        console: consoleTo(
          (line) => { recipeLog(line); reject(Object.assign(new Error(line), { code: xmlCode(line) })); },
          (line, args) => (args[0] === 'stored as' ? resolve(args[1]) : reject(new Error('the recipe said: ' + line))),
        ),
      }));
  await flow('postPolicyUpload', async () => {
    const text = 'posted by wx.uploadFile ' + Date.now();
    const key = await postPolicy(tempFile(text));
    return { key, sha256: sha256(Buffer.from(text)) };
  });
  // Under SIGN_MAX_CONTENT_LENGTH, COS itself refuses a larger file than
  // the client said (the service refuses a stated size over the maximum):
  // the policy's content-length-range binds it.
  if (env('MAX_CONTENT_LENGTH')) {
    await flow('postPolicyTooLarge', async () => {
      const max = Number(env('MAX_CONTENT_LENGTH'));
      const f = randomFile(max + 1);
      return { key: await postPolicy(f.file, max) };
    });
  }
});
