// The getAuthorization recipes of README.md, as a client developer copies
// them: post the SDK's options to /auth as they are; on success hand the
// answer to the callback; on a refusal log the service's own code and
// message, then fail the SDK's request (its callback has no error channel:
// an empty object makes the SDK fail it).
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.interopRecipes = factory();
})(typeof self !== 'undefined' ? self : this, function () {
'use strict';

// Browsers and node (fetch).
function fetchAuthorization(signerUrl, userToken, log = console.error) {
  return function getAuthorization(options, callback) {
    fetch(signerUrl + '/auth', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, userToken ? { 'X-Auth-Token': userToken } : {}),
      body: JSON.stringify(options),
    })
      .then((r) => r.json().then((data) => {
        if (!r.ok) {
          const e = data.error || {};
          throw new Error(`cos-signer ${r.status} ${e.code}: ${e.message}`);
        }
        callback(data); // {Authorization, SecurityToken?, …}
      }))
      .catch((err) => {
        log(err.message);
        callback({}); // the SDK fails this request
      });
  };
}

// Mini-programs (wx.request).
function wxAuthorization(signerUrl, userToken, log = console.error) {
  return function getAuthorization(options, callback) {
    wx.request({
      url: signerUrl + '/auth',
      method: 'POST',
      header: Object.assign({ 'Content-Type': 'application/json' }, userToken ? { 'X-Auth-Token': userToken } : {}),
      data: options,
      success(res) {
        if (res.statusCode === 200) return callback(res.data);
        const e = (res.data && res.data.error) || {};
        log(`cos-signer ${res.statusCode} ${e.code}: ${e.message}`);
        callback({}); // the SDK fails this request
      },
      fail(err) {
        log(`cos-signer unreachable: ${err.errMsg}`);
        callback({});
      },
    });
  };
}

// Mini-programs: wx.uploadFile with /post-policy, the safe upload. The
// policy binds one key (chosen by the service), the type and the size:
// file is what wx.chooseMedia hands over ({tempFilePath, size}), and its
// size is the bound unless the service's own maximum is smaller.
// wx.uploadFile calls success for any HTTP status: check it.
function wxPostPolicyUpload(signerUrl, userToken, file, done, log = console.error) {
  wx.request({
    url: signerUrl + '/post-policy',
    method: 'POST',
    header: Object.assign({ 'Content-Type': 'application/json' }, userToken ? { 'X-Auth-Token': userToken } : {}),
    data: { ext: 'txt', contentType: 'text/plain', contentLength: file.size, successActionStatus: 200 },
    success(res) {
      if (res.statusCode !== 200) {
        const e = (res.data && res.data.error) || {};
        log(`cos-signer ${res.statusCode} ${e.code}: ${e.message}`);
        return done(new Error(`cos-signer ${res.statusCode} ${e.code}`));
      }
      const policy = res.data;
      wx.uploadFile({
        url: policy.url, // https://<bucket>.cos.<region>.myqcloud.com/
        filePath: file.tempFilePath,
        name: 'file',
        formData: policy.fields, // key, policy, q-*, Content-Type, success_action_status, x-cos-security-token?
        success(up) {
          if (up.statusCode !== 200) return done(new Error(`COS answered ${up.statusCode}: ${up.data}`));
          done(null, policy.key); // stored as policy.key
        },
        fail: (err) => done(new Error(err.errMsg)),
      });
    },
    fail: (err) => done(new Error(err.errMsg)),
  });
}

return { fetchAuthorization, wxAuthorization, wxPostPolicyUpload };
});
