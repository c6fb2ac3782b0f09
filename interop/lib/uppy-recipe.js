// docs/uppy.md's recipe, as a page copies it: Uppy 6's AwsS3 options with
// every request signed by cos-signer's /presign. uppy-recipe_test.go holds
// the documented code to this file.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.uppyRecipe = factory();
})(typeof self !== 'undefined' ? self : this, function () {
'use strict';

// cosSigner returns the AwsS3 options (the options Uppy 6 hands its hook:
// signRequest, generateObjectKey, getChunkSize, shouldUseMultipart).
function cosSigner(uppy, { signerUrl, token, prefix, partSize = 5 * 1024 * 1024, multipartAbove = 10 * 1024 * 1024 }) {
  const files = new Map(); // object key → Uppy file, to state its type and length
  const fileOf = (key) => files.get(key) || uppy.getFiles().find((f) => f.s3Multipart && f.s3Multipart.key === key);
  // Uppy's part size for a file (it takes at least 5 MiB, and at most 10,000 parts).
  const chunkSize = (size) => Math.max(partSize, Math.ceil(size / 10000));

  // Uppy's request → the /presign request: the multipart params, and the
  // type and length the service signs (COS then refuses any other).
  function presignRequest({ method, key, uploadId, partNumber, contentType }) {
    const file = fileOf(key);
    if (!file) throw new Error(`no Uppy file is being uploaded as ${key}`);
    const type = contentType || file.type || 'application/octet-stream';
    if (partNumber) { // Upload Part: its own length, and the file's type
      const chunk = chunkSize(file.size);
      const length = Math.min(chunk, file.size - (partNumber - 1) * chunk);
      return { method, key, params: { uploadId, partNumber: String(partNumber) }, contentType: type, contentLength: length };
    }
    if (uploadId) return { method, key, params: { uploadId } }; // list parts, complete, abort
    if (method === 'POST') return { method, key, params: { uploads: '' }, contentType: type }; // initiate
    return { method, key, contentType: type, contentLength: file.size }; // PUT Object
  }

  async function signRequest(request) {
    const r = await fetch(signerUrl + '/presign', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
      body: JSON.stringify(presignRequest(request)),
    });
    const data = await r.json();
    if (!r.ok) throw new Error(`cos-signer ${r.status} ${data.error.code}: ${data.error.message}`); // Uppy's upload-error
    // The browser sends Content-Length itself (a page cannot set it); the
    // signature still binds it.
    const headers = Object.fromEntries(Object.entries(data.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
    if (data.key !== request.key) files.set(data.key, fileOf(request.key)); // the key as the service normalised it
    return { url: data.url, headers, key: data.key };
  }

  return {
    signRequest,
    generateObjectKey(file) {
      const key = `${prefix}${crypto.randomUUID()}/${file.name}`;
      files.set(key, file);
      return key;
    },
    getChunkSize: ({ size }) => chunkSize(size),
    shouldUseMultipart: (file) => file.size > multipartAbove,
  };
}

return { cosSigner };
});
