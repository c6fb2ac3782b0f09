// cos-js-sdk-v5 in a real browser through cos-signer's /auth (README's
// fetch recipe, as README writes it): every flow of flows.js. Results and progress are posted to
// the test's page server (/report); the configuration comes from /config.
'use strict';

(async () => {
  const report = (body) => fetch('/report', { method: 'POST', body: JSON.stringify(body) });
  const cfg = await (await fetch('/config')).json();
  const flows = self.interopFlows;
  flows.out.emit = (res) => report({ result: res });
  flows.out.progress = (line) => report({ progress: line });
  flows.out.env = (name) => cfg[name];
  try {
    const { fetchTo, consoleTo, withOptions } = self.recipeEnv;
    const { cos } = self.recipes['auth-fetch']({
      COS: withOptions(COS, {}),
      fetch: fetchTo(cfg.SIGNER_URL),
      session: { token: cfg.USER_TOKEN || '' },
      console: consoleTo(flows.recipeLog),
    });
    const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
    await flows.objectOrLimitFlows({
      name: 'cos-js-sdk-v5',
      cos,
      textParams: (text) => ({ Body: text }),
      // A File of random bytes, as an <input type=file> hands one over.
      bigFile: async (name, bytes) => {
        const data = new Uint8Array(bytes);
        for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
        return { params: { Body: new File([data], name) }, sha256: hex(await crypto.subtle.digest('SHA-256', data)) };
      },
      bodyText: async (d) => (typeof d.Body === 'string' ? d.Body : await new Blob([d.Body]).text()),
      plainGet: async (url) => {
        const r = await fetch(url);
        return { status: r.status, text: await r.text() };
      },
    });
  } catch (e) {
    await report({ progress: 'page error: ' + (e && e.stack ? e.stack : e) });
  }
  await report({ done: true });
})();
