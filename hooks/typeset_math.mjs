// Typeset the math of built HTML pages once, at build time, as MathML that the browser lays out.
//
//   node hooks/typeset_math.mjs --css assets/stylesheets/math.css --font-url URL page.html ...
//
// Run by hooks/assets.py after the build, over every page of both languages. MathJax 3
// (mathjax-full, npm) finds each page's TeX exactly as the in-browser MathJax did: $...$ and
// \(...\) inline, $$...$$ and \[...\] displayed, never inside <pre>, <code>, <script>. Temml (npm)
// turns each formula into MathML Core, which Chromium, Firefox and Safari lay out natively, so a
// formula is one <math> element (about a third of the elements of MathJax's CommonHTML, and no
// scripts or per-character CSS); screen readers read the same MathML. The page is written back in
// place (as jsdom serializes it: the same document, attribute quoting and optional tags spelled out).
//
// The stylesheet (--css) is Temml's for the STIX Two Math font, its font at --font-url (relative to
// the stylesheet; hooks/assets.py writes that font, subset to the characters printed here).
//
// Prints one JSON line: {"pages": {path: number of formulas}, "characters": "...", "errors": [...]};
// a TeX error (an undefined macro, unbalanced braces) is an error, and the exit status is 1.

import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { jsdomAdaptor } = require("mathjax-full/js/adaptors/jsdomAdaptor.js");
const { JSDOM } = require("jsdom");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const temml = require("temml");

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
RegisterHTMLHandler(adaptor);

// The same delimiters as the in-browser configuration had (pymdownx.arithmatex writes \(...\)).
// Only MathJax's finder is used: the TeX itself is read by Temml, below.
const tex = new TeX({
  inlineMath: [["$", "$"], ["\\(", "\\)"]],
  displayMath: [["$$", "$$"], ["\\[", "\\]"]],
  processEscapes: true,
  processEnvironments: true,
});

// One formula as a <math> node of `document`; a TeX error throws (temml's ParseError names it).
function mathNode(document, source, display) {
  const markup = temml.renderToString(source, { displayMode: display, throwOnError: true });
  const holder = document.createElement("div");
  holder.innerHTML = markup;
  if (holder.children.length !== 1 || holder.firstElementChild.localName !== "math") {
    throw new Error(`Temml gave no single <math> element for ${JSON.stringify(source)}`);
  }
  return holder.firstElementChild;
}

const report = { pages: {}, characters: "", errors: [] };
const characters = new Set();
for (const path of options.pages) {
  const source = readFileSync(path, "utf8");
  const document = mathjax.document(source, { InputJax: tex });
  document.findMath();
  const items = Array.from(document.math);
  report.pages[path] = items.length;
  if (items.length === 0) continue; // nothing to typeset: leave the page byte for byte as it was
  const dom = document.document;
  const failed = [];
  // Last to first, as MathJax does: replacing one formula splits the text node that the
  // formulas before it in the same paragraph still point into.
  for (const item of items.reverse()) {
    try {
      item.typesetRoot = mathNode(dom, item.math, item.display);
    } catch (error) {
      failed.push(`${path}: ${error.message} in ${JSON.stringify(item.math)}`);
      continue;
    }
    for (const character of item.typesetRoot.textContent) characters.add(character);
    item.updateDocument(document);
  }
  if (failed.length) {
    report.errors.push(...failed.reverse());
    continue;
  }
  writeFileSync(path, adaptor.doctype(dom) + "\n" + adaptor.outerHTML(adaptor.root(dom)));
}
report.characters = Array.from(characters).sort().join("");

// Temml's stylesheet for STIX Two Math, with the site's own copy of the font. font-display: swap
// paints the text at once instead of hiding the math (up to 3 s on a slow phone) until it arrives.
const temmlCss = readFileSync(require.resolve("temml/dist/Temml-STIX2.css"), "utf8");
const fontFace = /@font-face\s*\{[^}]*\}/;
if (!fontFace.test(temmlCss)) throw new Error("Temml-STIX2.css has no @font-face to replace");
const css = temmlCss.replace(
  fontFace,
  "@font-face {\n  font-family: STIX2;\n  font-display: swap;\n" +
    `  src: url("${options.fontUrl}") format("woff2");\n}`,
);
mkdirSync(dirname(options.css), { recursive: true });
writeFileSync(options.css, css);
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(report.errors.length ? 1 : 0);
