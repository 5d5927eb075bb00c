// genrec's page: upload one or many files -> POST /api/predict?spectrogram=1 each -> verdict,
// bars, a player with a play-head over the spectrogram and timeline, and for many files a
// results table with a CSV download. No dependencies; everything comes from this server.
"use strict";

const $ = (id) => document.getElementById(id);
// Okabe–Ito, colour-blind safe, in the order of lib/report/palette.cpp (the plots use the same):
// label i gets PALETTE[i % 8], striped from the ninth label on.
const PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442",
                 "#0072B2", "#D55E00", "#CC79A7", "#999999"];
const ERROR_TITLES = {
  400: "Nothing to analyse",
  413: "File too large",
  415: "Not an audio file",
  422: "This audio cannot be used",
  503: "The server is busy",
};

const state = {
  labels: [], maxUploadBytes: 0,
  results: [], current: null,               // the files of the last analysis, the one shown
  duration: 0, segments: [], position: 0,   // the shown song's time axis and play position
  audioUrl: "", originalUrl: "", frame: 0,
};

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// A percentage for people: whole numbers from 10%, one decimal below, and "<0.1%" for a value
// that is not zero but would round to 0.0% (it would read as a different zero beside "0%").
function pct(p) {
  const v = p * 100;
  if (v > 0 && v < 0.05) return "<0.1%";
  return (v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)) + "%";
}

function seconds(s) {
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

function duration(s) {
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return m > 0 ? `${m} min ${String(r).padStart(2, "0")} s` : `${s.toFixed(1)} s`;
}

function megabytes(bytes) {
  return (bytes / (1 << 20)).toFixed(bytes >= 10 << 20 ? 0 : 1) + " MB";
}

// The CSS background of a genre: by its index among the model's labels, so it never changes.
function colour(genre) {
  let i = state.labels.indexOf(genre);
  if (i < 0) i = state.labels.push(genre) - 1;
  const base = PALETTE[i % PALETTE.length];
  if (i < PALETTE.length) return base;
  return `repeating-linear-gradient(135deg, rgba(0,0,0,0.55) 0 2px, transparent 2px 6px), ${base}`;
}

// A tick step that gives at most `maxTicks` labelled ticks over `total` seconds.
function tickStep(total, maxTicks) {
  const steps = [0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200];
  for (const s of steps) if (total / s <= maxTicks) return s;
  return Math.ceil(total / maxTicks / 600) * 600;
}

function drawTimeAxis(axis, total) {
  axis.replaceChildren();
  if (!(total > 0)) return;
  const maxTicks = Math.max(3, Math.floor((axis.clientWidth || 600) / 64));
  const step = tickStep(total, maxTicks);
  for (let t = 0; t <= total + 1e-9; t += step) {
    const tick = el("span", t === 0 ? "first" : "", seconds(Math.round(t * 10) / 10));
    tick.style.left = `${(t / total) * 100}%`;
    // Keep the last label inside the plot.
    if (total - t < step * 0.35 && t > 0) tick.style.transform = "translateX(-100%)";
    axis.append(tick);
  }
}

// Slaney mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
function hzToMel(f) {
  return f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
}

function drawFrequencyAxis(axis, fmax) {
  axis.replaceChildren();
  const top = hzToMel(fmax);
  for (const f of [0, 500, 1000, 2000, 4000, 8000]) {
    if (f > fmax) continue;
    const tick = el("span", "", f >= 1000 ? `${f / 1000}k` : String(f));
    tick.style.bottom = `${(hzToMel(f) / top) * 100}%`;
    axis.append(tick);
  }
  const unit = el("span", "", "Hz");
  unit.style.bottom = "100%";
  unit.style.transform = "translateY(-4px)";
  axis.append(unit);
}

function showError(status, message) {
  $("error-title").textContent = ERROR_TITLES[status] || "Something went wrong";
  $("error-text").textContent = message;
  $("error").hidden = false;
}

function setBusy(name, count) {
  const busy = name !== null;
  $("busy").hidden = !busy;
  $("busy-name").textContent = busy ? name : "";
  $("busy-count").textContent = busy && count ? ` (${count})` : "";
  $("dropzone").classList.toggle("disabled", busy);
  $("file-input").disabled = busy;
  $("folder-button").disabled = busy;
  document.body.setAttribute("aria-busy", busy ? "true" : "false");
}

function renderBars(top) {
  const list = $("bars");
  list.replaceChildren();
  top.forEach((entry, i) => {
    const row = el("li", i === 0 ? "bar top" : "bar");
    row.dataset.genre = entry.genre;
    const track = el("span", "bar-track");
    const fill = el("span", "bar-fill");
    fill.style.display = "block";
    fill.style.width = `${Math.max(0, Math.min(1, entry.p)) * 100}%`;
    fill.style.background = colour(entry.genre);
    track.append(fill);
    row.append(el("span", "bar-label", entry.genre), track, el("span", "bar-value", pct(entry.p)));
    row.title = `${entry.genre}: ${(entry.p * 100).toFixed(2)}%`;
    list.append(row);
  });
}

// The spectrogram covers its first `spec.seconds` of the song (the server draws at most 600 s);
// it is laid on the song's time axis, so it lines up with the timeline below at any length.
function renderSpectrogram(spec, total) {
  const img = $("spectrogram");
  img.src = `data:image/png;base64,${spec.png_base64}`;
  const share = total > 0 ? Math.min(1, spec.seconds / total) : 1;
  img.style.width = `${share * 100}%`;
  const missing = $("spec-missing");
  missing.hidden = share >= 0.999;
  missing.style.left = `${share * 100}%`;
  missing.textContent = missing.hidden ? "" : `spectrogram drawn for the first ${seconds(Math.round(spec.seconds))} s`;
  drawFrequencyAxis($("spec-y"), spec.fmax_hz);
}

function tooltipHtml(seg) {
  const box = el("div");
  box.append(el("b", "", seg.genre), ` · ${seconds(seg.start_s)}–${seconds(seg.end_s)} s`);
  if (seg.uncertain === true) box.append(el("div", "", "the model is unsure here"));
  for (const t of seg.top || [{ genre: seg.genre, p: seg.p }]) {
    const row = el("div", "row");
    row.append(el("span", "", t.genre), el("span", "", pct(t.p)));
    box.append(row);
  }
  return box;
}

function showTooltip(block, seg, x) {
  const tip = $("tooltip");
  const card = tip.parentElement.getBoundingClientRect();
  const rect = block.getBoundingClientRect();
  tip.replaceChildren(tooltipHtml(seg));
  tip.hidden = false;
  const px = x === undefined ? rect.left + rect.width / 2 : x;
  const left = Math.min(Math.max(px - card.left - tip.offsetWidth / 2, 8),
                        card.width - tip.offsetWidth - 8);
  tip.style.left = `${left}px`;
  tip.style.top = `${rect.top - card.top - tip.offsetHeight - 8}px`;
}

// The timeline is one tab stop (a listbox with a roving tabindex): arrows, Home and End move
// between segments, Enter or Space plays from the focused one.
function selectSegment(i, focus) {
  const blocks = [...$("timeline").children];
  if (!blocks.length) return;
  i = Math.max(0, Math.min(blocks.length - 1, i));
  blocks.forEach((b, k) => {
    b.tabIndex = k === i ? 0 : -1;
    b.setAttribute("aria-selected", k === i ? "true" : "false");
  });
  if (focus) blocks[i].focus();
}

function segmentKeys(e) {
  const blocks = [...$("timeline").children];
  const i = blocks.indexOf(document.activeElement);
  if (i < 0) return;
  const moves = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
                  Home: 0, End: blocks.length - 1 };
  if (e.key in moves) {
    e.preventDefault();
    selectSegment(moves[e.key], true);
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    const seg = state.segments[i];
    seek(seg.start_s);
    play();
  }
}

function renderTimeline(segments, total) {
  const line = $("timeline");
  line.replaceChildren();
  state.segments = segments;
  const counts = new Map();
  segments.forEach((seg, i) => {
    const end = Math.min(seg.end_s, total);
    const block = el("div", "segment");
    block.setAttribute("role", "option");
    block.tabIndex = i === 0 ? 0 : -1;
    block.setAttribute("aria-selected", i === 0 ? "true" : "false");
    block.dataset.genre = seg.genre;
    block.style.left = `${(seg.start_s / total) * 100}%`;
    block.style.width = `${(Math.max(end - seg.start_s, 0) / total) * 100}%`;
    block.style.background = colour(seg.genre);
    block.setAttribute("aria-label",
                       `${seconds(seg.start_s)} to ${seconds(seg.end_s)} seconds: ${seg.genre}, ${pct(seg.p)}` +
                       (seg.uncertain === true ? ", uncertain" : ""));
    block.addEventListener("mousemove", (e) => showTooltip(block, seg, e.clientX));
    block.addEventListener("focus", () => { selectSegment(i, false); showTooltip(block, seg); });
    block.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    block.addEventListener("blur", () => { $("tooltip").hidden = true; });
    line.append(block);
    counts.set(seg.genre, (counts.get(seg.genre) || 0) + 1);
  });
  const legend = $("legend");
  legend.replaceChildren();
  [...counts.entries()].sort((a, b) => b[1] - a[1]).forEach(([genre, n]) => {
    const item = el("li");
    const swatch = el("span", "swatch");
    swatch.style.background = colour(genre);
    item.append(swatch, genre, el("span", "count", `${n}×`));
    legend.append(item);
  });
}

// Both time axes span the whole song, so that the spectrogram and timeline share one axis.
function drawTimeAxes() {
  if ($("result").hidden || !(state.duration > 0)) return;
  drawTimeAxis($("spec-x"), state.duration);
  drawTimeAxis($("timeline-x"), state.duration);
}

// Playback: the play-head follows the player; a click on either plot seeks.
function playheadTime() {
  const player = $("player");
  return player.src && player.readyState > 0 ? player.currentTime : state.position;
}

function drawPlayheads() {
  const t = playheadTime();
  const left = state.duration > 0 ? Math.min(1, t / state.duration) * 100 : 0;
  for (const head of document.querySelectorAll(".playhead")) {
    head.style.left = `${left}%`;
    head.hidden = !(t > 0) && $("player").paused;
  }
  const i = t > 0 || !$("player").paused ? state.segments.findIndex((s) => t >= s.start_s && t < s.end_s) : -1;
  [...$("timeline").children].forEach((b, k) => b.classList.toggle("now", k === i));
}

function followPlayback() {
  drawPlayheads();
  if (!$("player").paused) state.frame = requestAnimationFrame(followPlayback);
}

function seek(t) {
  state.position = Math.max(0, Math.min(state.duration, t));
  const player = $("player");
  if (player.src && player.readyState > 0) player.currentTime = state.position;
  drawPlayheads();
}

function play() {
  const player = $("player");
  if (player.src) player.play().catch(() => {});
}

function seekFromClick(frame, e) {
  const rect = frame.getBoundingClientRect();
  if (!(rect.width > 0)) return;
  seek(((e.clientX - rect.left) / rect.width) * state.duration);
}

function setPlayer(file) {
  const player = $("player");
  player.pause();
  if (state.audioUrl) URL.revokeObjectURL(state.audioUrl);
  state.audioUrl = file ? URL.createObjectURL(file) : "";
  state.originalUrl = state.audioUrl;
  state.position = 0;
  $("player-note").textContent =
      "Play the song: a line moves across the spectrogram and the timeline. Click either to jump there.";
  if (state.audioUrl) player.src = state.audioUrl;
  else player.removeAttribute("src");
}

// The browser cannot play the original (AU, for one): ask the server for a WAV copy, once.
async function playDecodedCopy() {
  const player = $("player");
  const entry = state.current;
  if (!player.getAttribute("src") || !entry || state.audioUrl !== state.originalUrl) {
    if (state.audioUrl && state.audioUrl !== state.originalUrl)
      $("player-note").textContent = "This song cannot be played here; the plots still show where things are.";
    return;
  }
  try {
    const form = new FormData();
    form.append("file", entry.file, entry.name);
    const res = await fetch("/api/audio", { method: "POST", body: form });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const wav = await res.blob();
    if (state.current !== entry) return;
    const at = state.position;
    URL.revokeObjectURL(state.audioUrl);
    state.audioUrl = URL.createObjectURL(wav);
    state.position = at;
    player.src = state.audioUrl;
    const drawn = Number(res.headers.get("X-Audio-Seconds")) || 0;
    $("player-note").textContent =
        "Playing a WAV copy decoded by genrec, as this browser cannot play the file's format" +
        (drawn > 0 && drawn < state.duration - 0.5 ? ` (its first ${seconds(Math.round(drawn))} s)` : "") + ".";
  } catch (err) {
    $("player-note").textContent =
        `This song cannot be played here (${err.message}); the plots still show where things are.`;
  }
}

// What the model says about its own answer, in words: "uncertain" (when the model marks a
// prediction) and "warning" (when the server adds one).
function verdictNote(json) {
  const notes = [];
  if (json.uncertain === true)
    notes.push("Uncertain: the model is unsure about this one. On songs it had not heard, answers " +
               "this unsure were more often wrong than right, so treat the genre as a guess.");
  if (typeof json.warning === "string" && json.warning) notes.push(json.warning);
  else if (Array.isArray(json.warnings)) notes.push(...json.warnings.filter((w) => typeof w === "string"));
  return notes.join(" ");
}

function render(entry) {
  const json = entry.json;
  state.current = entry;
  state.duration = json.duration_s;
  $("genre").textContent = json.genre;
  $("confidence").textContent = pct(json.confidence);
  const note = verdictNote(json);
  $("verdict-note").textContent = note;
  $("verdict-note").hidden = !note;
  const n = (json.segments || []).length;
  $("file-line").textContent =
      `${json.file} · ${duration(json.duration_s)} · ${n} segment${n === 1 ? "" : "s"} · ` +
      `analysed in ${(entry.elapsedMs / 1000).toFixed(1)} s`;
  renderBars(json.top);
  $("result").hidden = false;
  setPlayer(entry.file);
  if (json.spectrogram) renderSpectrogram(json.spectrogram, json.duration_s);
  renderTimeline(json.segments || [], json.duration_s);
  drawPlayheads();
  // Axes depend on the laid-out width: draw once the result is on screen.
  requestAnimationFrame(drawTimeAxes);
  for (const row of $("batch-table").tBodies[0].rows)
    row.classList.toggle("shown", row.dataset.index === String(state.results.indexOf(entry)));
}

// One upload: {json} on success, {status, message} otherwise.
async function predict(file, name) {
  if (state.maxUploadBytes > 0 && file.size > state.maxUploadBytes)
    return { status: 413, message: `"${name}" is ${megabytes(file.size)}; the limit is ` +
                                   `${megabytes(state.maxUploadBytes)}.` };
  try {
    const form = new FormData();
    form.append("file", file, name);
    const res = await fetch("/api/predict?segments=1&spectrogram=1", { method: "POST", body: form });
    let json = null;
    try { json = await res.json(); } catch (_) { /* not JSON: handled below */ }
    if (!res.ok || !json || json.error) {
      let message = json && json.error ? json.error : `The server answered HTTP ${res.status}.`;
      if (res.status === 503 && res.headers.get("Retry-After"))
        message += ` (suggested wait: ${res.headers.get("Retry-After")} s)`;
      return { status: res.status, message };
    }
    return { json };
  } catch (err) {
    return { status: 0, message: `Could not reach the genrec server (${err.message}). Is it still running?` };
  }
}

// The results table of a batch: one row per file, the file name a button that shows its details.
function renderRow(entry, index) {
  const body = $("batch-table").tBodies[0];
  let row = body.rows[index];
  if (!row) {
    row = body.insertRow();
    row.dataset.index = String(index);
  }
  const nameCell = el("td");
  if (entry.json) {
    const show = el("button", "link-button", entry.name);
    show.type = "button";
    show.title = `Show the details of ${entry.name}`;
    show.addEventListener("click", () => render(entry));
    nameCell.append(show);
  } else {
    nameCell.textContent = entry.name;
  }
  const genre = el("td");
  const conf = el("td", "num");
  const length = el("td", "num");
  if (entry.json) {
    const swatch = el("span", "swatch");
    swatch.style.background = colour(entry.json.genre);
    genre.append(swatch, entry.json.genre);
    conf.textContent = pct(entry.json.confidence) + (entry.json.uncertain === true ? " (uncertain)" : "");
    length.textContent = duration(entry.json.duration_s);
  } else if (entry.message) {
    genre.colSpan = 3;
    genre.className = "row-error";
    genre.textContent = entry.message;
  } else {
    genre.colSpan = 3;
    genre.className = "muted";
    genre.textContent = "waiting…";
  }
  row.replaceChildren(nameCell, genre, ...(genre.colSpan === 3 ? [] : [conf, length]));
}

function csvField(v) {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// The same columns as `genrec predict --format csv` (file, genre, confidence, one per label,
// uncertain), then the length and, for a file that failed, the error.
function resultsCsv() {
  const labels = state.labels.slice();
  const lines = [["file", "genre", "confidence", ...labels, "uncertain", "duration_s", "error"].map(csvField).join(",")];
  for (const r of state.results) {
    const probs = new Map(((r.json && r.json.top) || []).map((t) => [t.genre, t.p]));
    lines.push([r.name, r.json ? r.json.genre : "", r.json ? r.json.confidence : "",
                ...labels.map((l) => (probs.has(l) ? probs.get(l) : "")),
                r.json ? String(r.json.uncertain === true) : "",
                r.json ? r.json.duration_s : "", r.message || ""].map(csvField).join(","));
  }
  return lines.join("\n") + "\n";
}

function downloadCsv() {
  const url = URL.createObjectURL(new Blob([resultsCsv()], { type: "text/csv" }));
  const a = el("a");
  a.href = url;
  a.download = "genrec-results.csv";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function analyseFiles(files) {
  files = files.filter((f) => f);
  if (!files.length) return;
  $("error").hidden = true;
  $("result").hidden = true;
  setPlayer(null);
  const batch = files.length > 1;
  state.results = files.map((file) => ({ file, name: file.relativePath || file.webkitRelativePath || file.name }));
  $("batch").hidden = !batch;
  $("batch-table").tBodies[0].replaceChildren();
  $("csv-download").disabled = true;
  if (batch) state.results.forEach(renderRow);
  let shown = false;
  for (let i = 0; i < state.results.length; i++) {
    const entry = state.results[i];
    setBusy(entry.name, batch ? `${i + 1} of ${files.length}` : "");
    if (batch) $("batch-progress").textContent = `${i} of ${files.length} done`;
    const started = performance.now();
    const out = await predict(entry.file, entry.name);
    entry.elapsedMs = performance.now() - started;
    if (out.json) entry.json = out.json;
    else entry.message = out.message;
    if (batch) renderRow(entry, i);
    if (out.json && !shown) {
      render(entry);
      shown = true;
    } else if (!out.json && !batch) {
      showError(out.status, out.message);
    }
  }
  setBusy(null);
  if (batch) {
    const failed = state.results.filter((r) => !r.json).length;
    $("batch-progress").textContent =
        `${files.length} files, ${files.length - failed} analysed` + (failed ? `, ${failed} failed` : "");
    $("csv-download").disabled = false;
  }
  $("file-input").value = "";
  $("folder-input").value = "";
}

const AUDIO_NAME = /\.(wav|au|snd|flac|mp3|ogg|oga|opus|aiff?|aifc|m4a)$/i;

// Files of a dropped folder, recursively, with their path inside it.
async function filesOfEntry(entry, prefix) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    file.relativePath = prefix + file.name;
    return AUDIO_NAME.test(file.name) ? [file] : [];
  }
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const out = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) out.push(...(await filesOfEntry(child, `${prefix}${entry.name}/`)));
  }
  return out;
}

async function droppedFiles(dt) {
  const entries = [...(dt.items || [])].map((it) => it.webkitGetAsEntry && it.webkitGetAsEntry()).filter((x) => x);
  if (!entries.length || entries.every((e) => e.isFile)) return [...dt.files];
  const files = [];
  for (const entry of entries) files.push(...(await filesOfEntry(entry, "")));
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

// One sentence from the model's training record (see lib/model/trainer.cpp): data, split,
// epochs and held-out accuracy. Unknown or missing fields are left out.
function describeTraining(t) {
  if (!t || typeof t !== "object") return "";
  const parts = [];
  const d = t.dataset;
  if (typeof d === "string") {
    parts.push(`Trained on ${d}`);
  } else if (d && typeof d === "object") {
    // The folder that names the dataset: ".../gtzan/genres_original" is "gtzan".
    const dirs = String(d.root || d.name || "").split("/").filter((x) => x);
    while (dirs.length > 1 && /^genres(_original)?$/.test(dirs[dirs.length - 1])) dirs.pop();
    const name = dirs.pop();
    let text = `Trained on ${name || "a dataset"}`;
    if (d.n_songs) {
      text += `: ${d.n_songs} songs`;
      if (d.n_train !== undefined)
        text += ` (${d.n_train} train / ${d.n_valid || 0} valid / ${d.n_test || 0} test)`;
    }
    parts.push(text);
  }
  if (typeof t.split === "string") parts.push(`split ${t.split}`);
  if (t.epochs_run) parts.push(`${t.epochs_run} epochs`);
  const test = t.test;
  if (test && typeof test.song_accuracy === "number") {
    parts.push(`test accuracy ${pct(test.song_accuracy)} on ${test.n_songs} held-out songs`);
  } else if (t.final && typeof t.final.valid_song_acc === "number") {
    parts.push(`validation accuracy ${pct(t.final.valid_song_acc)}`);
  }
  if (typeof t.date === "string") parts.push(t.date.slice(0, 10));
  return parts.join(" · ");
}

async function loadModel() {
  try {
    const [model, health] = await Promise.all([
      fetch("/api/model").then((r) => r.json()),
      fetch("/api/health").then((r) => r.json()),
    ]);
    state.labels = Array.isArray(model.labels) ? model.labels.slice() : [];
    state.maxUploadBytes = (health.limits && health.limits.max_upload_bytes) || 0;
    $("model-name").textContent = `${model.name || "model"} · ${state.labels.length} genres`;
    const training = describeTraining(model.training);
    $("model-chip").title = training || "The model answering on this page";
    $("model-details").textContent =
        `This server runs "${model.name}"` +
        (model.n_parameters ? `, a CNN with ${model.n_parameters.toLocaleString("en")} parameters` : "") +
        `, over ${state.labels.length} genres: ${state.labels.join(", ")}.`;
    $("training-details").textContent = training ? `${training}.` : "";
    if (state.maxUploadBytes)
      $("drop-hint").textContent =
          `WAV, FLAC, MP3, OGG, Opus, AIFF or AU · up to ${megabytes(state.maxUploadBytes)}`;
  } catch (err) {
    $("model-chip").classList.add("down");
    $("model-name").textContent = "server unreachable";
  }
}

function setup() {
  const zone = $("dropzone");
  const input = $("file-input");
  input.addEventListener("change", () => analyseFiles([...input.files]));
  $("folder-button").addEventListener("click", () => $("folder-input").click());
  $("folder-input").addEventListener("change", () =>
    analyseFiles([...$("folder-input").files]
        .filter((f) => AUDIO_NAME.test(f.name))
        .sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath))));
  for (const type of ["dragenter", "dragover"])
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("over"); });
  for (const type of ["dragleave", "dragend"])
    zone.addEventListener(type, () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (input.disabled || !e.dataTransfer) return;
    analyseFiles(await droppedFiles(e.dataTransfer));
  });
  // A file dropped beside the zone must not make the browser navigate away from the page.
  for (const type of ["dragover", "drop"])
    window.addEventListener(type, (e) => e.preventDefault());
  $("csv-download").addEventListener("click", downloadCsv);
  $("timeline").addEventListener("keydown", segmentKeys);
  for (const id of ["spec-frame", "timeline-frame"])
    $(id).addEventListener("click", (e) => seekFromClick($(id), e));
  const player = $("player");
  player.addEventListener("play", () => { cancelAnimationFrame(state.frame); followPlayback(); });
  for (const type of ["pause", "seeked", "timeupdate", "ended"])
    player.addEventListener(type, drawPlayheads);
  player.addEventListener("loadedmetadata", () => { if (state.position > 0) player.currentTime = state.position; });
  player.addEventListener("error", playDecodedCopy);
  $("origin-host").textContent = location.host;
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawTimeAxes, 150);
  });
  loadModel();
}

document.addEventListener("DOMContentLoaded", setup);
