// The /sts recipe of docs/sts.md, as a client developer copies it:
// getAuthorization posts to /sts ({} for the caller's prefixes, or the
// SDK's options as they are, Scope included, for credentials limited to
// the request) and hands the answer to the callback as it is; on a refusal
// it logs the service's code and message and fails the SDK's request.
'use strict';

function stsAuthorization(signerUrl, userToken, body, log = console.error, count = () => {}) {
  return function getAuthorization(options, callback) {
    count(options);
    fetch(signerUrl + '/sts', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, userToken ? { 'X-Auth-Token': userToken } : {}),
      body: JSON.stringify(body === 'scope' ? options : {}),
    })
      .then((r) => r.json().then((data) => {
        if (!r.ok) {
          const e = data.error || {};
          throw new Error(`cos-signer ${r.status} ${e.code}: ${e.message}`);
        }
        callback(data); // {TmpSecretId, TmpSecretKey, SecurityToken, StartTime, ExpiredTime, …}
      }))
      .catch((err) => {
        log(err.message);
        callback({}); // the SDK fails this request
      });
  };
}

module.exports = { stsAuthorization };
