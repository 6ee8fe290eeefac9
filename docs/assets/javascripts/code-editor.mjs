// The code editor of a runnable cell: CodeMirror 6 with Python syntax highlighting, automatic
// indentation, undo history, and Ctrl/Cmd+Enter to run. hooks/pyodide.py bundles this file and
// its npm imports into assets/javascripts/code-editor.js (esbuild); runner.js imports that bundle
// the first time the reader edits or runs a cell. The colours are the site's own code colours
// (Material's --md-code-hl-* variables), so the editor follows the light and dark schemes.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";

const colour = (name) => `var(--md-code-hl-${name}-color)`;
const siteColours = HighlightStyle.define([
  { tag: tags.keyword, color: colour("keyword") },
  { tag: [tags.string, tags.special(tags.string)], color: colour("string") },
  { tag: [tags.number, tags.bool, tags.null], color: colour("number") },
  { tag: tags.comment, color: colour("comment"), fontStyle: "italic" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: colour("function") },
  { tag: [tags.className, tags.definition(tags.variableName)], color: colour("name") },
  { tag: [tags.operator, tags.operatorKeyword], color: colour("operator") },
  { tag: [tags.punctuation, tags.bracket], color: colour("punctuation") },
  { tag: tags.self, color: colour("constant") },
]);

const look = EditorView.theme({
  "&": { fontSize: "inherit", backgroundColor: "transparent" },
  ".cm-content": { fontFamily: "var(--md-code-font-family, monospace)", padding: "0.6em 0" },
  ".cm-line": { padding: "0 0.8em" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)" },
  ".cm-activeLine": { backgroundColor: "var(--md-code-hl-color--light, rgba(0, 0, 0, 0.04))" },
});

/**
 * Replace the contents of `parent` with an editor holding `source`.
 * @param {HTMLElement} parent
 * @param {string} source
 * @param {{label: string, onRun: () => void}} options
 * @returns {{text: () => string, focus: () => void}}
 */
export function createEditor(parent, source, { label, onRun }) {
  const run = () => {
    onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("    "),
        python(),
        syntaxHighlighting(siteColours),
        look,
        // Mod is Ctrl, or Cmd on a Mac. Tab indents; Escape then Tab leaves the editor.
        keymap.of([{ key: "Mod-Enter", run }, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": label }),
      ],
    }),
  });
  return { text: () => view.state.doc.toString(), focus: () => view.focus() };
}
