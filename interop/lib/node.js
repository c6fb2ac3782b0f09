// The node side of a flow script: results on stdout (one JSON line each),
// progress on stderr, the environment from process.env, and the helpers
// that need node's fs and crypto.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const flows = require('./flows');

flows.out.emit = (res) => process.stdout.write(JSON.stringify(res) + '\n');
flows.out.progress = (line) => process.stderr.write(line + '\n');
flows.out.env = (name) => process.env[name];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-interop-'));
let n = 0;

// A file of the given text or of n random bytes, as a picker hands one over.
function tempFile(content) {
  const f = path.join(dir, `file-${++n}`);
  fs.writeFileSync(f, content);
  return f;
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

function randomFile(bytes) {
  const data = crypto.randomBytes(bytes);
  return { file: tempFile(data), sha256: sha256(data) };
}

// run runs main, then ends the process (keep-alive sockets would hold it open).
function run(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    }
  );
}

module.exports = Object.assign({}, flows, { tempFile, randomFile, sha256, run });
