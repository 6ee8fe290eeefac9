// MathJax 3 configuration, read by assets/vendor/mathjax/tex-chtml.js (self-hosted, see hooks/assets.py).
// Notebook pages keep their math as $...$ / $$...$$ in the text; plain Markdown pages get \(...\)
// from pymdownx.arithmatex. MathJax skips <pre> and <code>, so code and outputs are never typeset.
// (Material's recipe, ignoreHtmlClass ".*|" + processHtmlClass, would also skip every unclassed
// <p> inside a notebook's Markdown cell.)
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
};
