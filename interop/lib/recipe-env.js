// The world the documented recipes run in. The recipes themselves are the
// fenced blocks of README.md and docs/sts.md, exactly as written there: the
// interop tests generate a module of them from the pages (internal/interoptest,
// RecipeModule), which node scripts require from $RECIPES and pages load from
// /bundle/recipes.js. What a recipe takes from its surroundings comes from
// here: the pages' placeholder signer URL reaches the service under test,
// and what a recipe logs is recorded.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.recipeEnv = factory();
})(typeof self !== 'undefined' ? self : this, function () {
'use strict';

const placeholder = 'https://signer.example.com';

// toSigner sends a recipe's call of the placeholder to signerUrl; any other
// URL is a page that no longer uses the placeholder, which the test must hear of.
function toSigner(url, signerUrl) {
  if (!String(url).startsWith(placeholder + '/')) throw new Error(`the recipe called ${url}, not ${placeholder}/…`);
  return signerUrl + String(url).slice(placeholder.length);
}

// fetchTo is fetch for a recipe: the placeholder goes to signerUrl.
function fetchTo(signerUrl, realFetch = fetch) {
  return (url, init) => realFetch(toSigner(url, signerUrl), init);
}

// wxTo is wx for a recipe: wx.request's placeholder goes to signerUrl; the
// rest (wx.uploadFile to COS) is wx's own.
function wxTo(signerUrl, realWx = wx) {
  return Object.assign({}, realWx, { request: (o) => realWx.request(Object.assign({}, o, { url: toSigner(o.url, signerUrl) })) });
}

// consoleTo is console for a recipe: error lines go to log (what the test
// checks a refusal logged), log lines to info.
function consoleTo(log, info = () => {}) {
  const line = (args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return { error: (...args) => log(line(args)), log: (...args) => info(line(args), args) };
}

// withOptions is a COS constructor for a recipe: the real SDK, with the
// test's own options (a proxy to the fake COS) under the recipe's, and
// seen(options) told what the recipe passed.
function withOptions(COS, extra, seen = () => {}) {
  return function (options) {
    seen(options);
    return new COS(Object.assign({}, extra, options));
  };
}

return { fetchTo, wxTo, consoleTo, withOptions };
});
