// The Web Worker that runs a page's Python with Pyodide (started by runner.js on the first Run).
//
// Messages in:  {type: "start", runtime: URL of assets/pyodide/runtime.json, language, mnist}
//               {type: "run", id, code, number}
// Messages out: {type: "progress", what, loaded, total}  bytes of the files being downloaded
//               {type: "ready"} | {type: "failed", message}
//               {type: "output", id, kind, values}      what browser_cells.py emits for the cell
//               {type: "done", id, ok, seconds}
//
// Everything comes from the site's own origin: runtime.json lists the files (written by
// hooks/pyodide.py), the Pyodide core and wheels are loaded by name from Pyodide's lock file
// beside pyodide.js (Pyodide checks each wheel's SHA-256 against it), the dlbasics wheel by URL.
// Stopping a cell terminates this worker (runner.js starts a new one): that works without
// SharedArrayBuffer, which needs cross-origin isolation that GitHub Pages cannot turn on.
"use strict";

let cells = null; // browser_cells.py, once started
let running = Promise.resolve(); // cells run one after another

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "start") {
    start(message).then(
      () => self.postMessage({ type: "ready" }),
      (error) => self.postMessage({ type: "failed", message: String(error && error.message || error) }),
    );
  } else if (message.type === "run") {
    running = running.then(() => run(message));
  }
};

async function start({ runtime: runtimeURL, language, mnist }) {
  const runtime = await (await fetch(runtimeURL, { cache: "no-cache" })).json();
  const url = (path) => new URL(path, runtimeURL).href;
  const wanted = Object.keys(runtime.files).filter(
    (path) =>
      (mnist || !(runtime.mnist.includes(path) || runtime.runs.includes(path))) &&
      (language === "ko" || path !== runtime.font),
  );
  const progress = countDownloads(new Map(wanted.map((path) => [url(path), runtime.files[path]])));

  progress.step("pyodide.js");
  importScripts(url(runtime.script)); // classic-worker loading, not through fetch: counted whole
  progress.done(url(runtime.script));
  const pyodide = await loadPyodide({ indexURL: url(runtime.indexURL) });
  progress.done(url(`${runtime.indexURL}pyodide.asm.js`)); // also loaded with importScripts
  const errors = [];
  await pyodide.loadPackage([...runtime.packages, url(runtime.wheel)], {
    messageCallback: () => {},
    errorCallback: (text) => errors.push(text),
  });
  if (errors.length) throw new Error(errors.join("; "));

  const files = [[runtime.glue, "/home/pyodide/browser_cells.py"]];
  if (language === "ko") files.push([runtime.font, "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"]);
  const mnistDir = "/home/pyodide/mnist";
  // The published results of the slow runs (hooks/pyodide.py) go with MNIST: they need its data.
  const runsDir = "/home/pyodide/published-runs";
  if (mnist) for (const path of runtime.mnist) files.push([path, `${mnistDir}/${path.split("/").pop()}`]);
  if (mnist) for (const path of runtime.runs) files.push([path, `${runsDir}/${path.split("/").pop()}`]);
  for (const [path, target] of files) {
    const response = await fetch(url(path));
    if (!response.ok) throw new Error(`${url(path)}: HTTP ${response.status}`);
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    pyodide.FS.writeFile(target, new Uint8Array(await response.arrayBuffer()));
  }
  progress.step("matplotlib");
  // matplotlib scans its fonts once (about 2 s here); the list is kept in IndexedDB, one folder
  // per language (the Korean list has the Hangul font), and later pages read it back.
  const keepDir = `/home/pyodide/.fontlist-${language}`;
  const kept = await keepInIndexedDB(pyodide.FS, keepDir);
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
  cells = pyodide.pyimport("browser_cells");
  cells.setup(emitter(), language, mnist ? mnistDir : "", kept ? keepDir : "", mnist ? runsDir : "");
  if (kept) await syncfs(pyodide.FS, false);
  progress.finish();
}

const syncfs = (FS, populate) =>
  new Promise((resolve, reject) => FS.syncfs(populate, (error) => (error ? reject(error) : resolve())));

async function keepInIndexedDB(FS, folder) {
  FS.mkdirTree(folder);
  try {
    FS.mount(FS.filesystems.IDBFS, {}, folder);
    await syncfs(FS, true);
    return true;
  } catch {
    return false; // no IndexedDB (a private window, say): matplotlib scans its fonts each time
  }
}

// The cell being run: where browser_cells.py's output goes.
let current = null;

function emitter() {
  return (kind, ...values) => {
    const plain = values.map((value) => (value && value.toJs ? value.toJs() : value));
    self.postMessage({ type: "output", id: current, kind, values: plain });
  };
}

async function run({ id, code, number }) {
  current = id;
  const started = performance.now();
  let ok = false;
  try {
    ok = await cells.run(code, number);
  } catch (error) {
    self.postMessage({ type: "output", id, kind: "error", values: ["Error", String(error)] });
  }
  self.postMessage({ type: "done", id, ok, seconds: (performance.now() - started) / 1000 });
}

// Count the bytes of the runtime's files as they arrive, through a fetch that wraps Pyodide's own:
// the page shows "what is loading: x of y MB". Files named in runtime.json never change at their
// URL (versioned or named by their hash), so the browser's cache may answer without asking.
function countDownloads(sizes) {
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  let loaded = 0;
  let what = "";
  const report = () => self.postMessage({ type: "progress", what, loaded, total });
  const original = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const href = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
    if (!sizes.has(href)) return original(input, init);
    const response = await original(input, { ...init, cache: "force-cache" });
    if (response.ok && response.body) countBody(response.clone(), decodeURIComponent(href.split("/").pop()));
    return response; // the response itself, so that the browser can cache compiled WebAssembly
  };
  async function countBody(copy, name) {
    const reader = copy.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      loaded += chunk.value.byteLength;
      what = name;
      report();
    }
  }
  return {
    step(name) {
      what = name;
      report();
    },
    done(href) {
      loaded += sizes.get(href) || 0;
      report();
    },
    finish() {
      loaded = total;
      report();
    },
  };
}
