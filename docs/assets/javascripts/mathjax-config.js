// MathJax 3 configuration, read by assets/vendor/mathjax/tex-chtml.js (self-hosted, see hooks/assets.py).
// Notebook pages keep their math as $...$ / $$...$$ in the text; plain Markdown pages wrap it in
// <span class="arithmatex">\(...\)</span> (pymdownx.arithmatex). Code and outputs (<pre>, <code>) are skipped.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
};
