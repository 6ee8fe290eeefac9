// Run a page's code cells in the reader's browser: Python (Pyodide) in a Web Worker.
//
// hooks/pyodide.py loads this script on the notebook pages it marks with an empty
// <div class="dlbasics-runner" data-...>, and writes the page's code cells to cells.json beside
// it. The controls are already in the page, written at build time (hooks/run_controls.py), so
// that they are painted with it and nothing moves when this script runs: a bar above the first
// cell (Run all, Stop, Restart, and what is happening), and on each code cell (nbconvert's
// .jp-CodeCell, in page order) Run and Edit, or a note that it runs locally. Their buttons are
// disabled until this script has bound them.
//
// Like a notebook kernel, the cells share one Python, in order: Run on a cell first runs the
// cells above it that have not run yet. The built output stays until the cell runs here; then the
// browser's output replaces it (stdout/stderr, the last expression's value, figures as PNG, a
// traceback). Stop and Restart end the worker and start a fresh Python on the next Run (the
// files then come from the browser's cache). Nothing is requested before the first Edit or Run:
// then cells.json and the editor (code-editor.js, CodeMirror), and on Run the worker
// (python-worker.js) and the files in assets/pyodide/runtime.json, all from this site.
//
// State for tests and styles: each cell's data-dlbasics-state (queued, running, done, error,
// stopped) and the bar's data-dlbasics-session (idle, loading, ready, running, stopped, failed,
// unsupported).
(() => {
  "use strict";

  const TEXT = {
    en: {
      reset: "Undo edits",
      editorLabel: (n) => `Code of cell ${n}`,
      loading: (what, done, total) => `Loading Python: ${what} (${done} of ${total} MB)`,
      starting: "Starting Python…",
      ready: "Python is ready.",
      running: (n) => `Running cell ${n}…`,
      done: "Done.",
      failed: (message) => `Python could not start: ${message}`,
      broken: (message) => `Something went wrong: ${message}`,
      stopped: "Stopped. Python was restarted: the next Run runs the cells above first.",
      restarted: "Python was restarted: the next Run runs the cells above first.",
      unsupported:
        "This browser cannot run Python here: it has no WebAssembly or Web Workers. " +
        "The outputs shown are those of the site build.",
      queued: "queued",
      runningCell: "running…",
      doneCell: (seconds) => `done in ${seconds} s`,
      errorCell: "error",
      stoppedCell: "stopped",
      browserOutput: "Output from your browser",
    },
    ko: {
      reset: "편집 취소",
      editorLabel: (n) => `셀 ${n}의 코드`,
      loading: (what, done, total) => `Python 불러오는 중: ${what} (${total} MB 중 ${done} MB)`,
      starting: "Python을 시작하는 중…",
      ready: "Python이 준비되었습니다.",
      running: (n) => `셀 ${n} 실행 중…`,
      done: "완료했습니다.",
      failed: (message) => `Python을 시작하지 못했습니다: ${message}`,
      broken: (message) => `문제가 생겼습니다: ${message}`,
      stopped: "중지했습니다. Python을 다시 시작했으므로, 다음에 실행하면 위의 셀부터 다시 실행합니다.",
      restarted: "Python을 다시 시작했습니다. 다음에 실행하면 위의 셀부터 다시 실행합니다.",
      unsupported:
        "이 브라우저에서는 Python을 실행할 수 없습니다. WebAssembly나 Web Worker를 지원하지 " +
        "않습니다. 지금 보이는 출력은 사이트를 빌드할 때 실행한 결과입니다.",
      queued: "대기 중",
      runningCell: "실행 중…",
      doneCell: (seconds) => `${seconds}초 만에 완료`,
      errorCell: "오류",
      stoppedCell: "중지됨",
      browserOutput: "브라우저에서 실행한 결과",
    },
  };

  const marker = document.querySelector(".dlbasics-runner");
  if (!marker) return;
  const options = marker.dataset;
  const language = document.documentElement.lang === "ko" ? "ko" : "en";
  const T = TEXT[language];
  const absolute = (url) => new URL(url, document.baseURI).href;
  const article = marker.closest("article") || document.body;
  // nbconvert 7 nests each cell's div in another with the same classes: take the outer ones
  const elements = [...article.querySelectorAll(".jp-CodeCell")].filter(
    (element) => !element.parentElement.closest(".jp-CodeCell"),
  );

  const make = (tag, attributes = {}, ...children) => {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") element.textContent = value;
      else element.setAttribute(name, value);
    }
    element.append(...children);
    return element;
  };
  // A control hooks/run_controls.py wrote into the page, given its action and enabled.
  const control = (root, action, onClick) => {
    const element = root.querySelector(`[data-dlbasics-action="${action}"]`);
    if (!element) throw new Error(`the page has no ${action} button: was it built by this site's hooks?`);
    element.addEventListener("click", onClick);
    element.disabled = false;
    return element;
  };

  // -- the page's cells and the bar ----------------------------------------------------------

  const cells = elements.map((element, index) => ({
    element,
    index,
    number: index + 1,
    // the build gave it Run and Edit, or a note that it runs locally (TensorFlow, or minutes here)
    browser: element.querySelector(":scope > .dlbasics-cell-bar") !== null,
    ran: false, // ran without an error in the current Python
    editor: null,
    status: null,
    output: null,
  }));
  const bar = article.querySelector(".dlbasics-bar");
  if (!bar || !cells.length) return;
  const status = bar.querySelector(".dlbasics-status");
  const progress = bar.querySelector(".dlbasics-progress");
  control(bar, "run-all", () => request(cells.length - 1, true));
  const stopButton = control(bar, "stop", () => endSession(T.stopped));
  const restartButton = control(bar, "restart", () => endSession(T.restarted));
  stopButton.disabled = restartButton.disabled = true; // until Python is loading
  for (const cell of cells) {
    if (!cell.browser) continue;
    cell.status = cell.element.querySelector(".dlbasics-cell-status");
    control(cell.element, "run", () => request(cell.index, false));
    const edit = control(cell.element, "edit", () =>
      toggleEditor(cell, edit).catch((error) => setSession("failed", T.broken(error.message))),
    );
    cell.editLabels = [edit.textContent, edit.getAttribute("aria-label")]; // for "Undo edits"
  }

  function setSession(state, text) {
    bar.dataset.dlbasicsSession = state;
    status.textContent = text;
    const active = ["loading", "ready", "running"].includes(state);
    stopButton.disabled = !active || state === "ready";
    restartButton.disabled = !active;
    progress.hidden = state !== "loading";
  }

  function setCell(cell, state) {
    cell.element.dataset.dlbasicsState = state;
    const seconds = cell.seconds === undefined ? "" : cell.seconds.toFixed(2);
    cell.status.textContent = {
      queued: T.queued,
      running: T.runningCell,
      done: T.doneCell(seconds),
      error: T.errorCell,
      stopped: T.stoppedCell,
      "": "",
    }[state];
  }

  // -- sources and the editor ----------------------------------------------------------------

  let sources = null;
  async function source(cell) {
    if (cell.editor) return cell.editor.text();
    if (!sources) {
      sources = fetch(options.cells).then(async (response) => {
        if (!response.ok) throw new Error(`${options.cells}: HTTP ${response.status}`);
        const data = await response.json();
        if (data.cells.length !== cells.length) {
          throw new Error(`${options.cells} lists ${data.cells.length} code cells, the page has ${cells.length}`);
        }
        return data.cells.map((entry) => entry.source);
      });
      sources.catch(() => (sources = null));
    }
    return (await sources)[cell.index];
  }

  let editorModule = null;
  async function toggleEditor(cell, edit) {
    const input = cell.element.querySelector(".jp-InputArea-editor") || cell.element.querySelector(".highlight");
    if (cell.editor) {
      cell.editor.host.remove();
      cell.editor = null;
      input.classList.remove("dlbasics-hidden");
      edit.textContent = cell.editLabels[0];
      edit.setAttribute("aria-label", cell.editLabels[1]);
      return;
    }
    const code = await source(cell);
    editorModule = editorModule || (await import(absolute(options.editor)));
    const host = make("div", { class: "dlbasics-editor" });
    input.after(host);
    input.classList.add("dlbasics-hidden");
    cell.editor = editorModule.createEditor(host, code, {
      label: T.editorLabel(cell.number),
      onRun: () => request(cell.index, false),
    });
    cell.editor.host = host;
    cell.editor.focus();
    edit.textContent = T.reset;
    edit.removeAttribute("aria-label");
  }

  // -- running -------------------------------------------------------------------------------

  const supported = () => typeof WebAssembly === "object" && typeof Worker === "function";
  let session = null; // {worker, ready, pending: Map(id -> {cell, resolve})}
  let generation = 0; // Stop and Restart cancel what was queued before them
  let queue = Promise.resolve();
  let nextId = 0;

  // The cells a Run means: on a cell, the cells above it that have not run yet, then the cell;
  // Run all: every cell. Worked out when the run starts, so cells queued twice run once.
  const pick = (index, all) =>
    cells.filter((c) => c.browser && c.index <= index && (all || c.index === index || !c.ran));

  function request(index, all) {
    if (!supported()) {
      setSession("unsupported", T.unsupported);
      return;
    }
    for (const cell of pick(index, all)) setCell(cell, "queued");
    const mine = generation;
    queue = queue
      .then(() => runCells(index, all, mine))
      .catch((error) => setSession("failed", T.broken(error.message)));
  }

  async function runCells(index, all, mine) {
    const wanted = pick(index, all);
    for (const cell of wanted) {
      if (mine !== generation) return;
      if (!(await execute(cell))) {
        for (const later of wanted) if (later.index > cell.index) setCell(later, "");
        return;
      }
    }
  }

  function startSession() {
    const pending = new Map();
    const worker = new Worker(absolute(options.worker));
    let started, failed;
    const ready = new Promise((resolve, reject) => ((started = resolve), (failed = reject)));
    session = { worker, ready, pending, fail: failed };
    const mine = session;
    setSession("loading", T.starting);
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") {
        const mb = (bytes) => (bytes / 1e6).toFixed(1);
        setSession("loading", T.loading(data.what, mb(data.loaded), mb(data.total)));
        progress.value = data.total ? data.loaded / data.total : 0;
      } else if (data.type === "ready") {
        setSession("ready", T.ready);
        started();
      } else if (data.type === "failed") {
        failed(new Error(data.message));
      } else if (data.type === "output") {
        const entry = pending.get(data.id);
        if (entry) show(entry.cell, data.kind, data.values);
      } else if (data.type === "done") {
        const entry = pending.get(data.id);
        pending.delete(data.id);
        if (entry) entry.resolve(data);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      failed(new Error(event.message || "the worker could not be loaded"));
    };
    ready.catch((error) => {
      if (session !== mine) return; // stopped or restarted meanwhile
      worker.terminate();
      session = null;
      setSession("failed", T.failed(error.message));
    });
    worker.postMessage({ type: "start", runtime: absolute(options.runtime), language, mnist: !!options.mnist });
  }

  async function execute(cell) {
    if (!session) startSession();
    const current = session;
    setCell(cell, "running");
    try {
      await current.ready;
    } catch {
      setCell(cell, "");
      return false;
    }
    if (current !== session) return false;
    const code = await source(cell);
    clearOutput(cell);
    setSession("running", T.running(cell.number));
    const id = ++nextId;
    const result = await new Promise((resolve) => {
      current.pending.set(id, { cell, resolve });
      current.worker.postMessage({ type: "run", id, code, number: cell.number });
    });
    if (result.stopped) {
      setCell(cell, "stopped");
      return false;
    }
    cell.ran = result.ok;
    cell.seconds = result.seconds;
    setCell(cell, result.ok ? "done" : "error");
    if (current === session) setSession("ready", result.ok ? T.done : T.errorCell);
    return result.ok;
  }

  function endSession(message) {
    generation += 1;
    queue = Promise.resolve();
    for (const cell of cells) {
      cell.ran = false;
      if (cell.browser && cell.element.dataset.dlbasicsState === "queued") setCell(cell, "");
    }
    if (!session) return;
    const ended = session;
    session = null;
    ended.worker.terminate();
    ended.fail(new Error("stopped"));
    for (const { cell, resolve } of ended.pending.values()) {
      show(cell, "stopped", [message]);
      resolve({ stopped: true });
    }
    setSession("stopped", message);
  }

  // -- outputs -------------------------------------------------------------------------------

  function clearOutput(cell) {
    if (!cell.output) {
      const built = cell.element.querySelector(".jp-Cell-outputWrapper");
      cell.output = make("div", { class: "dlbasics-output" });
      if (built) {
        built.classList.add("dlbasics-hidden"); // the build's output, until now
        built.after(cell.output);
      } else {
        cell.element.append(cell.output);
      }
    }
    for (const image of cell.output.querySelectorAll("img")) URL.revokeObjectURL(image.src);
    cell.output.replaceChildren(make("p", { class: "dlbasics-output-caption", text: T.browserOutput }));
  }

  function show(cell, kind, values) {
    const area = cell.output;
    if (kind === "stream") {
      const [name, text] = values;
      let last = area.lastElementChild;
      if (!(last && last.dataset.output === "stream" && last.dataset.name === name)) {
        last = make("pre", { class: `dlbasics-stream dlbasics-${name}`, "data-output": "stream", "data-name": name });
        area.append(last);
      }
      last.append(text);
    } else if (kind === "image") {
      const [png, alt] = values;
      const src = URL.createObjectURL(new Blob([png], { type: "image/png" }));
      area.append(make("img", { src, alt, "data-output": "image" }));
    } else if (kind === "text") {
      area.append(make("pre", { class: "dlbasics-result", "data-output": "text", text: values[0] }));
    } else if (kind === "error") {
      area.append(make("pre", { class: "dlbasics-error", "data-output": "error", role: "alert", text: values[1] }));
    } else if (kind === "stopped") {
      area.append(make("p", { class: "dlbasics-stopped", "data-output": "stopped", text: values[0] }));
    }
  }
})();
