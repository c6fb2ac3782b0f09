// A small, faithful `wx` for node: what cos-wx-sdk-v5 and README's
// mini-program recipes call (wx.request, wx.uploadFile, the file-system
// manager, storage, the device-info calls), with the semantics of WeChat's
// documentation: non-2xx answers are successes with a statusCode, only
// network errors call fail; dataType 'json' parses the answer when it can;
// an object `data` is JSON for POST and a query string for GET; a domain
// outside the allowed list fails as "url not in domain list".
//
// The network: the signing service is reached directly; COS hosts
// (*.myqcloud.com, http or https) through the fake COS, which takes them as
// an HTTP proxy, so the request keeps its real host.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');

function install({ signerUrl, cosProxy }) {
  const signer = new URL(signerUrl);
  const proxy = new URL(cosProxy);
  const storage = new Map();

  // send performs one HTTP exchange and calls back with (err, {statusCode, header, body}).
  function send(url, method, header, body, timeout, cb) {
    let u;
    try {
      u = new URL(url);
    } catch (e) {
      return cb(new Error(`invalid url "${url}"`));
    }
    let opts;
    if (/\.myqcloud\.com$/.test(u.hostname)) {
      opts = { host: proxy.hostname, port: proxy.port, path: u.href, headers: Object.assign({ Host: u.host }, header) };
    } else if (u.host === signer.host) {
      opts = { host: u.hostname, port: u.port, path: u.pathname + u.search, headers: header };
    } else {
      return cb(new Error(`url not in domain list: ${u.origin}`));
    }
    opts.method = method;
    if (body !== undefined) opts.headers['Content-Length'] = Buffer.byteLength(body);
    const req = http.request(opts, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => cb(null, { statusCode: res.statusCode, header: Object.assign({}, res.headers), body: Buffer.concat(chunks) }));
    });
    if (timeout) req.setTimeout(timeout, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => cb(e));
    req.end(body);
    return req;
  }

  const toArrayBuffer = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const toBuffer = (data) => (data instanceof ArrayBuffer ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(String(data)));
  const headerValue = (h, name) => {
    for (const k of Object.keys(h || {})) if (k.toLowerCase() === name) return h[k];
    return undefined;
  };
  const queryOf = (obj) => Object.keys(obj).map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(obj[k])).join('&');
  const done = (o, ok, res) => {
    try {
      ok ? o.success && o.success(res) : o.fail && o.fail(res);
    } finally {
      o.complete && o.complete(res);
    }
  };

  function request(o) {
    const method = (o.method || 'GET').toUpperCase();
    const header = Object.assign({}, o.header);
    if (headerValue(header, 'content-type') === undefined) header['content-type'] = 'application/json';
    let url = o.url;
    let body;
    const data = o.data;
    if (data !== undefined && data !== null) {
      if (typeof data === 'string') body = data;
      else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) body = toBuffer(data);
      else if (method === 'GET') url += (url.includes('?') ? '&' : '?') + queryOf(data);
      else if (/x-www-form-urlencoded/i.test(headerValue(header, 'content-type'))) body = queryOf(data);
      else body = JSON.stringify(data);
    }
    const task = { abort() { req && req.destroy(new Error('abort')); }, onHeadersReceived() {}, offHeadersReceived() {}, onChunkReceived() {} };
    const req = send(url, method, header, body, o.timeout, (err, res) => {
      if (err) return done(o, false, { errMsg: `request:fail ${err.message}` });
      let out;
      if (o.responseType === 'arraybuffer') out = toArrayBuffer(res.body);
      else {
        out = res.body.toString('utf8');
        if ((o.dataType || 'json') === 'json') {
          try {
            out = JSON.parse(out);
          } catch (e) {}
        }
      }
      done(o, true, { data: out, statusCode: res.statusCode, header: res.header, cookies: [], errMsg: 'request:ok' });
    });
    return task;
  }

  function uploadFile(o) {
    const boundary = '----wxshim' + crypto.randomBytes(8).toString('hex');
    const parts = [];
    for (const [k, v] of Object.entries(o.formData || {})) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    const listeners = [];
    const task = { onProgressUpdate: (cb) => listeners.push(cb), offProgressUpdate() {}, onHeadersReceived() {}, offHeadersReceived() {}, abort() {} };
    let file;
    try {
      file = fs.readFileSync(o.filePath);
    } catch (e) {
      setImmediate(() => done(o, false, { errMsg: `uploadFile:fail file not found ${o.filePath}` }));
      return task;
    }
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${o.name}"; filename="${path.basename(o.filePath)}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
    const header = Object.assign({}, o.header, { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
    send(o.url, 'POST', header, Buffer.concat(parts), o.timeout, (err, res) => {
      if (err) return done(o, false, { errMsg: `uploadFile:fail ${err.message}` });
      listeners.forEach((cb) => cb({ progress: 100, totalBytesSent: file.length, totalBytesExpectedToSend: file.length }));
      done(o, true, { data: res.body.toString('utf8'), statusCode: res.statusCode, errMsg: 'uploadFile:ok' });
    });
    return task;
  }

  const statsOf = (st) => ({ size: st.size, mode: st.mode, lastModifiedTime: Math.floor(st.mtimeMs / 1000), lastAccessedTime: Math.floor(st.atimeMs / 1000), isFile: () => st.isFile(), isDirectory: () => st.isDirectory() });
  const readSlice = (filePath, encoding, position, length) => {
    let buf = fs.readFileSync(filePath);
    if (position !== undefined || length !== undefined) {
      const start = position || 0;
      buf = buf.subarray(start, length === undefined ? undefined : start + length);
    }
    return encoding ? buf.toString(encoding) : toArrayBuffer(Buffer.from(buf));
  };
  const fileSystemManager = {
    readFile(o) {
      setImmediate(() => {
        let data;
        try {
          data = readSlice(o.filePath, o.encoding, o.position, o.length);
        } catch (e) {
          return done(o, false, { errMsg: `readFile:fail no such file or directory ${o.filePath}` });
        }
        done(o, true, { data, errMsg: 'readFile:ok' });
      });
    },
    readFileSync: (filePath, encoding, position, length) => readSlice(filePath, encoding, position, length),
    stat(o) {
      setImmediate(() => {
        let st;
        try {
          st = fs.statSync(o.path);
        } catch (e) {
          return done(o, false, { errMsg: `stat:fail no such file or directory ${o.path}` });
        }
        done(o, true, { stats: statsOf(st), errMsg: 'stat:ok' });
      });
    },
    statSync: (p) => statsOf(fs.statSync(p)),
  };

  const apis = {
    request,
    uploadFile,
    getFileSystemManager: () => fileSystemManager,
    getStorageSync: (k) => (storage.has(k) ? JSON.parse(storage.get(k)) : ''),
    setStorageSync: (k, v) => storage.set(k, JSON.stringify(v)),
    removeStorageSync: (k) => storage.delete(k),
    getAppBaseInfo: () => ({ SDKVersion: '3.4.0', version: '8.0.50', language: 'zh_CN' }),
    getDeviceInfo: () => ({ platform: 'android', system: 'Android 14', brand: 'shim', model: 'node' }),
    getNetworkType: (o) => setImmediate(() => done(o, true, { networkType: 'wifi', errMsg: 'getNetworkType:ok' })),
  };
  apis.canIUse = (name) => Object.prototype.hasOwnProperty.call(apis, String(name).split('.')[0]);
  global.wx = apis;
  // The SDK's UMD wrapper passes `window` as its root; the mini-program
  // runtime has one, node does not.
  if (typeof global.window === 'undefined') global.window = global;
  return apis;
}

module.exports = { install };
