// Uppy 6 (@uppy/core, @uppy/aws-s3) in a real browser, every request signed
// by cos-signer's /presign through docs/uppy.md's recipe: single PUTs,
// multipart, pause and resume, cancel, another user's key, and the upload
// limits. Each flow reports what happened (the key and the SHA-256 of the
// bytes it sent, or what Uppy's upload-error said); the Go test checks the
// fake COS against it.
'use strict';

(async () => {
  const report = (body) => fetch('/report', { method: 'POST', body: JSON.stringify(body) });
  const cfg = await (await fetch('/config')).json();
  const flows = self.interopFlows;
  flows.out.emit = (res) => report({ result: res });
  flows.out.progress = (line) => report({ progress: line });
  flows.out.env = (name) => cfg[name];
  const { cosSigner } = self.uppyRecipe;
  const Uppy = self.Uppy;
  const AwsS3 = self.AwsS3;
  const MiB = 1024 * 1024;
  const signerUrl = cfg.SIGNER_URL;
  const session = { token: cfg.USER_TOKEN || '' };

  // newUppy is docs/uppy.md's setup; prefix is where the caller may write.
  function newUppy(prefix) {
    const uppy = new Uppy();
    uppy.use(AwsS3, cosSigner(uppy, { signerUrl, token: session.token, prefix }));
    return uppy;
  }

  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  async function randomFile(name, type, bytes) {
    const data = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
    return { name, type, data: new Blob([data], { type }), sha256: hex(await crypto.subtle.digest('SHA-256', data)) };
  }
  async function textFile(name, type, text) {
    const data = new TextEncoder().encode(text);
    return { name, type, data: new Blob([data], { type }), sha256: hex(await crypto.subtle.digest('SHA-256', data)) };
  }

  // upload adds f to uppy and uploads it; during(uppy, id) may pause or
  // cancel on the way. It resolves with what upload-success said, and fails
  // with what upload-error said (logged, as the Go test reads refusals).
  function upload(uppy, f, during) {
    return new Promise((resolve, reject) => {
      const id = uppy.addFile({ name: f.name, type: f.type, data: f.data });
      uppy.on('upload-success', (file, res) => file.id === id && resolve({ key: res.body.key, location: res.body.location, sha256: f.sha256 }));
      uppy.on('upload-error', (file, err) => {
        if (file.id !== id) return;
        flows.recipeLog(err.message);
        reject(err);
      });
      if (during) during(uppy, id, resolve);
      uppy.upload().catch(reject);
    });
  }
  // afterPart resolves once part n of the file is uploaded.
  const afterPart = (uppy, id, n) => new Promise((resolve) => {
    uppy.on('s3-multipart:part-uploaded', (file, part) => file.id === id && part.PartNumber === n && resolve());
  });
  const prefix = cfg.KEY_PREFIX;
  try {
    if (cfg.LIMITS) {
      await flows.flow('uppyLimitsPut', async () => upload(newUppy(prefix), await textFile('limited.txt', 'text/plain', 'limited ' + Date.now())));
      await flows.flow('uppyLimitsWrongType', async () => upload(newUppy(prefix), await textFile('picture.png', 'image/png', 'not a png')));
      await flows.flow('uppyLimitsTooLarge', async () => upload(newUppy(prefix), await randomFile('large.bin', 'application/octet-stream', 8 * MiB)));
      await flows.flow('uppyLimitsMultipart', async () => upload(newUppy(prefix), await randomFile('parts.bin', 'application/octet-stream', 12 * MiB)));
      if (cfg.MAX_PARTS) {
        await flows.flow('uppyLimitsTooManyParts', async () => upload(newUppy(prefix), await randomFile('many.bin', 'application/octet-stream', (5 * Number(cfg.MAX_PARTS) + 1) * MiB)));
      }
    } else {
      await flows.flow('uppyPut', async () => upload(newUppy(prefix), await textFile('hello.txt', 'text/plain', 'hello from Uppy ' + Date.now())));
      await flows.flow('uppyPutChineseKey', async () => upload(newUppy(prefix), await textFile('中文 文件 名.txt', 'text/plain', '你好, Uppy')));
      await flows.flow('uppyMultipart', async () => upload(newUppy(prefix), await randomFile('video.bin', 'application/octet-stream', 12 * MiB)));
      await flows.flow('uppyResume', async () => upload(newUppy(prefix), await randomFile('resumed.bin', 'application/octet-stream', 12 * MiB), async (uppy, id) => {
        await afterPart(uppy, id, 1);
        uppy.pauseResume(id); // pause: the part in flight is dropped
        await new Promise((r) => setTimeout(r, 200));
        uppy.pauseResume(id); // resume: Uppy lists the parts COS holds and sends the rest
      }));
      await flows.flow('uppyCancel', async () => upload(newUppy(prefix), await randomFile('cancelled.bin', 'application/octet-stream', 12 * MiB), async (uppy, id, done) => {
        await afterPart(uppy, id, 1);
        const key = uppy.getFile(id).s3Multipart.key;
        const uploadId = uppy.getFile(id).s3Multipart.uploadId;
        uppy.cancelAll(); // Uppy aborts the multipart upload (DELETE ?uploadId)
        done({ key, uploadId, cancelled: true });
      }));
      if (cfg.OTHER_KEY) {
        const other = cfg.OTHER_KEY.replace(/[^/]*$/, '');
        await flows.flow('uppyOtherUsersKey', async () => upload(newUppy(other), await textFile('not-mine.txt', 'text/plain', 'not mine')));
      }
    }
  } catch (e) {
    await report({ progress: 'page error: ' + (e && e.stack ? e.stack : e) });
  }
  await report({ done: true });
})();
