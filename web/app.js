// genrec's page: upload -> POST /api/predict?spectrogram=1 -> verdict, bars, spectrogram,
// timeline. No dependencies; everything comes from the server that served this page.
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

const state = { labels: [], maxUploadBytes: 0 };

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function pct(p) {
  const v = p * 100;
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

function setBusy(name) {
  const busy = name !== null;
  $("busy").hidden = !busy;
  $("busy-name").textContent = busy ? name : "";
  $("dropzone").classList.toggle("disabled", busy);
  $("file-input").disabled = busy;
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

function renderSpectrogram(spec) {
  const img = $("spectrogram");
  img.src = `data:image/png;base64,${spec.png_base64}`;
  img.dataset.seconds = String(spec.seconds);
  drawFrequencyAxis($("spec-y"), spec.fmax_hz);
  // Axes depend on the laid-out width: draw once the image is on screen.
  requestAnimationFrame(() => drawTimeAxis($("spec-x"), spec.seconds));
}

function tooltipHtml(seg) {
  const box = el("div");
  box.append(el("b", "", seg.genre), ` · ${seconds(seg.start_s)}–${seconds(seg.end_s)} s`);
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

function renderTimeline(segments, total) {
  const line = $("timeline");
  line.replaceChildren();
  line.dataset.total = String(total);
  const counts = new Map();
  for (const seg of segments) {
    const end = Math.min(seg.end_s, total);
    const block = el("div", "segment");
    block.setAttribute("role", "listitem");
    block.tabIndex = 0;
    block.dataset.genre = seg.genre;
    block.style.flex = `${Math.max(end - seg.start_s, 0.05)} 1 0`;
    block.style.background = colour(seg.genre);
    block.setAttribute("aria-label",
                       `${seconds(seg.start_s)} to ${seconds(seg.end_s)} seconds: ${seg.genre}, ${pct(seg.p)}`);
    block.addEventListener("mousemove", (e) => showTooltip(block, seg, e.clientX));
    block.addEventListener("focus", () => showTooltip(block, seg));
    block.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    block.addEventListener("blur", () => { $("tooltip").hidden = true; });
    line.append(block);
    counts.set(seg.genre, (counts.get(seg.genre) || 0) + 1);
  }
  const legend = $("legend");
  legend.replaceChildren();
  [...counts.entries()].sort((a, b) => b[1] - a[1]).forEach(([genre, n]) => {
    const item = el("li");
    const swatch = el("span", "swatch");
    swatch.style.background = colour(genre);
    item.append(swatch, genre, el("span", "count", `${n}×`));
    legend.append(item);
  });
  requestAnimationFrame(() => drawTimeAxis($("timeline-x"), total));
}

function render(json, elapsedMs) {
  $("genre").textContent = json.genre;
  $("confidence").textContent = pct(json.confidence);
  const n = (json.segments || []).length;
  $("file-line").textContent =
      `${json.file} · ${duration(json.duration_s)} · ${n} segment${n === 1 ? "" : "s"} · ` +
      `analysed in ${(elapsedMs / 1000).toFixed(1)} s`;
  renderBars(json.top);
  $("result").hidden = false;
  if (json.spectrogram) renderSpectrogram(json.spectrogram);
  renderTimeline(json.segments || [], json.duration_s);
}

async function analyse(file) {
  if (!file) return;
  $("error").hidden = true;
  if (state.maxUploadBytes > 0 && file.size > state.maxUploadBytes) {
    showError(413, `"${file.name}" is ${megabytes(file.size)}; the limit is ` +
                   `${megabytes(state.maxUploadBytes)}.`);
    return;
  }
  $("result").hidden = true;
  setBusy(file.name);
  const started = performance.now();
  try {
    const form = new FormData();
    form.append("file", file, file.name);
    const res = await fetch("/api/predict?segments=1&spectrogram=1", { method: "POST", body: form });
    let json = null;
    try { json = await res.json(); } catch (_) { /* not JSON: handled below */ }
    if (!res.ok || !json || json.error) {
      let message = json && json.error ? json.error : `The server answered HTTP ${res.status}.`;
      if (res.status === 503 && res.headers.get("Retry-After"))
        message += ` (suggested wait: ${res.headers.get("Retry-After")} s)`;
      showError(res.status, message);
      return;
    }
    render(json, performance.now() - started);
  } catch (err) {
    showError(0, `Could not reach the genrec server (${err.message}). Is it still running?`);
  } finally {
    setBusy(null);
    $("file-input").value = "";
  }
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
  input.addEventListener("change", () => analyse(input.files[0]));
  for (const type of ["dragenter", "dragover"])
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("over"); });
  for (const type of ["dragleave", "dragend"])
    zone.addEventListener(type, () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (input.disabled) return;
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) analyse(file);
  });
  // A file dropped beside the zone must not make the browser navigate away from the page.
  for (const type of ["dragover", "drop"])
    window.addEventListener(type, (e) => e.preventDefault());
  $("origin-host").textContent = location.host;
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const spec = $("spectrogram");
      if (!$("result").hidden && spec.dataset.seconds) drawTimeAxis($("spec-x"), +spec.dataset.seconds);
      if (!$("result").hidden && $("timeline").dataset.total) drawTimeAxis($("timeline-x"), +$("timeline").dataset.total);
    }, 150);
  });
  loadModel();
}

document.addEventListener("DOMContentLoaded", setup);
