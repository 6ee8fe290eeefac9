// Typeset the math of built HTML pages once, at build time, with MathJax 3 (mathjax-full, npm).
//
//   node hooks/typeset_math.mjs --css assets/stylesheets/math.css --font-url URL page.html ...
//
// Run by hooks/assets.py after the build, over every page of both languages. Each page's TeX
// ($...$ and \(...\) inline, $$...$$ and \[...\] displayed, as the in-browser MathJax took it;
// never inside <pre>, <code>, <script>) becomes CommonHTML markup, with MathML beside it for
// screen readers (mjx-assistive-mml), and the page is written back in place (as jsdom
// serializes it: the same document, attribute quoting and optional tags spelled out). No typesetting runs
// in the reader's browser. One output jax serves every page, so the CSS of all the characters
// used anywhere on the site is collected into one stylesheet (--css), which the pages link
// instead of carrying it inline; its fonts are at --font-url (relative to the stylesheet).
//
// Prints one JSON line: {"pages": {path: number of formulas}, "errors": [...]}; a TeX error
// (an undefined macro, unbalanced braces) is an error, and the exit status is 1.

import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { jsdomAdaptor } = require("mathjax-full/js/adaptors/jsdomAdaptor.js");
const { JSDOM } = require("jsdom");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

function parseArguments(argv) {
  const options = { css: null, fontUrl: null, pages: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--css") options.css = argv[++i];
    else if (argv[i] === "--font-url") options.fontUrl = argv[++i];
    else options.pages.push(argv[i]);
  }
  if (!options.css || !options.fontUrl) {
    throw new Error("usage: typeset_math.mjs --css FILE --font-url URL page.html ...");
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
// jsdom parses a page as a browser does; MathJax's own lite parser cannot read these pages
// (it stops at mkdocs-jupyter's `<clipboard-copy for="cell-1", ...>` and at unclosed tags).
const adaptor = jsdomAdaptor(JSDOM);
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

// The same delimiters as the in-browser configuration had (pymdownx.arithmatex writes \(...\)).
const tex = new TeX({
  packages: AllPackages.filter((name) => name !== "bussproofs"),
  inlineMath: [["$", "$"], ["\\(", "\\)"]],
  displayMath: [["$$", "$$"], ["\\[", "\\]"]],
  processEscapes: true,
  processEnvironments: true,
  formatError: (jax, error) => {
    throw error; // fail the page instead of showing a red error box
  },
});
// exFactor: the body font's x-height in em. In the browser MathJax measured it and scaled the math
// to 119.5% of the text; jsdom measures nothing, so it is given (0.528 / MathJax's 0.442 = 1.195).
const chtml = new CHTML({ fontURL: options.fontUrl, adaptiveCSS: true, exFactor: 0.528 });

const report = { pages: {}, errors: [] };
let lastDocument = null;
for (const path of options.pages) {
  const source = readFileSync(path, "utf8");
  const document = mathjax.document(source, { InputJax: tex, OutputJax: chtml });
  // No <style> per page: the output jax keeps track of every character and construct it
  // typesets, and its stylesheet for all of them is written once, below.
  document.addStyleSheet = () => {};
  try {
    document.render();
  } catch (error) {
    report.errors.push(`${path}: ${error.message}`);
    continue;
  }
  const count = Array.from(document.math).length;
  report.pages[path] = count;
  if (count === 0) continue; // nothing to typeset: leave the page byte for byte as it was
  const root = adaptor.root(document.document);
  writeFileSync(path, adaptor.doctype(document.document) + "\n" + adaptor.outerHTML(root));
  lastDocument = document;
}

if (lastDocument !== null) {
  chtml.styleSheet(lastDocument); // gathers the CSS of everything used on any page
  // font-display: swap paints the text at once instead of hiding it (up to 3 s on a slow phone)
  // until the math fonts arrive; MathJax sizes every character itself, so nothing moves when
  // they do, only the glyphs change.
  const css = chtml.cssStyles.cssText.replace(/@font-face[^{]*\{/g, "$&\n  font-display: swap;");
  mkdirSync(dirname(options.css), { recursive: true });
  writeFileSync(options.css, css + "\n");
}
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(report.errors.length ? 1 : 0);
