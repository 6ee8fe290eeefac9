// Bundle the cell editor (CodeMirror 6 from npm) into one minified ES module with esbuild.
// hooks/pyodide.py runs it at every site build.
// Usage: node scripts/bundle_editor.mjs docs/assets/javascripts/code-editor.mjs OUT.js
import { build } from "esbuild";

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error("usage: node scripts/bundle_editor.mjs ENTRY.mjs OUT.js");
  process.exit(2);
}
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "none", // the licences are in assets/pyodide/THIRD-PARTY-NOTICES.txt
  logLevel: "warning",
});
