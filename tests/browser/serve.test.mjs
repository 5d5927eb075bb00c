#!/usr/bin/env node
// Browser test of `genrec serve`: Debian's chromium, driven by playwright-core, against a
// server this script starts on a free loopback port. Uploads a real GTZAN clip (a synthetic
// one when ../shared is absent) and a text file, checks what the page shows, and saves
// desktop and phone-width screenshots. Prints pass/fail counts; exits 1 on failure, 77 when
// chromium or playwright-core is missing (CTest reports a skip).
//
// usage: node serve.test.mjs --genrec build/bin/genrec [--model M] [--out DIR] [--data DIR]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const SKIP = 77;

function parseArgs(argv) {
  const args = {
    genrec: path.join(root, "build", "bin", "genrec"),
    model: "",
    out: path.join(root, "build", "test-artifacts"),
    data: path.resolve(root, "..", "shared", "data"),
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) {
      console.error(`unknown or incomplete option ${argv[i]}`);
      process.exit(2);
    }
    args[key] = argv[i + 1];
  }
  return args;
}

// 16-bit mono WAV of a few seconds of chords over a noisy beat: a stand-in song.
function synthWav(seconds, rate = 22050) {
  const n = Math.floor(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write("RIFF", 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write("WAVE", 8);
  buf.write("fmt ", 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22); buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34); buf.write("data", 36);
  buf.writeUInt32LE(n * 2, 40);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const root = [110, 147, 165, 123][Math.floor(t / 2) % 4];
    let v = 0.2 * Math.sin(2 * Math.PI * root * t) + 0.12 * Math.sin(2 * Math.PI * root * 1.5 * t);
    const beat = t % 0.5;
    v += 0.25 * Math.exp(-beat * 30) * rand();
    buf.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(v * 32767))), 44 + i * 2);
  }
  return buf;
}

// Starts `genrec serve --port 0` and resolves with {proc, port, log} once it listens.
function startServer(args) {
  const cli = ["serve", "--port", "0", "--max-upload-mb", "2"];
  if (args.model) cli.push("--model", args.model);
  const proc = spawn(args.genrec, cli, { stdio: ["ignore", "ignore", "pipe"] });
  const state = { log: "" };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${state.log}`)), 90000);
    proc.stderr.on("data", (chunk) => {
      state.log += chunk;
      const m = state.log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), state });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`genrec serve exited with ${code}:\n${state.log}`));
    });
  });
}

function waitExit(proc, ms) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const timer = setTimeout(() => resolve("timeout"), ms);
    proc.on("exit", (code, signal) => { clearTimeout(timer); resolve(signal ? `signal ${signal}` : code); });
  });
}

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok    ${name}`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`  FAIL  ${name}\n        ${String(err && err.stack ? err.stack : err).split("\n").slice(0, 4).join("\n        ")}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function main() {
  const args = parseArgs(process.argv);
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is not installed (scripts/setup_browser.sh installs it)`);
    return SKIP;
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    console.log("skipped: playwright-core is not installed (scripts/setup_browser.sh installs it)");
    return SKIP;
  }
  if (!fs.existsSync(args.genrec)) throw new Error(`${args.genrec} is not built`);
  const shipped = path.join(root, "models", "genrec-gtzan-mini.genrec");
  if (!args.model && !process.env.GENREC_MODEL && !fs.existsSync(shipped)) {
    console.log(`skipped: no --model given and ${shipped} is absent`);
    return SKIP;
  }
  fs.mkdirSync(args.out, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genrec-browser-"));

  // Inputs: the real clip when ../shared is there, else a synthetic song; a text file; and a
  // file over the server's 2 MB limit.
  const realClip = path.join(args.data, "gtzan-mini", "genres_original", "blues", "blues.00000.wav");
  let clip = realClip;
  if (!fs.existsSync(realClip)) {
    clip = path.join(tmp, "synthetic-song.wav");
    fs.writeFileSync(clip, synthWav(12));
  }
  const textFile = path.join(tmp, "notes.txt");
  fs.writeFileSync(textFile, "These are my notes, not a song.\n");
  const bigFile = path.join(tmp, "too-big.wav");
  fs.writeFileSync(bigFile, Buffer.concat([synthWav(1), Buffer.alloc(3 << 20)]));
  console.log(`browser test: ${path.basename(clip)} against ${args.genrec}`);

  const server = await startServer(args);
  const origin = `http://127.0.0.1:${server.port}`;
  const offSite = [];
  const consoleErrors = [];
  const context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--disable-extensions", "--no-default-browser-check"],
  });
  try {
    // Nothing may leave this machine: anything not for our server is refused and recorded.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
      offSite.push(url);
      return route.abort();
    });
    const page = context.pages()[0] || (await context.newPage());
    // Chromium logs every 4xx response as a console error; the intended ones are not faults.
    page.on("console", (msg) => {
      if (msg.type() === "error" && !/status of 4\d\d/.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    // Hold each prediction back a little so the busy state is observable, deterministically.
    // (continue(), not fetch(): the body of a file picked in an <input> is not re-sendable.)
    await page.route("**/api/predict**", async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });

    const model = await (await fetch(`${origin}/api/model`)).json();
    const clipBytes = fs.readFileSync(clip);
    const api = await (await fetch(`${origin}/api/predict?name=${encodeURIComponent(path.basename(clip))}`,
                                   { method: "POST", body: clipBytes })).json();

    await check("page loads with the model's name", async () => {
      await page.goto(origin + "/");
      assert((await page.title()).startsWith("genrec"), `title ${await page.title()}`);
      await page.waitForFunction(() => !document.getElementById("model-name").textContent.includes("loading"));
      const chip = await page.textContent("#model-name");
      assert(chip.includes(model.name), `model chip "${chip}" lacks ${model.name}`);
      const about = await page.textContent("#about");
      assert(about.includes("genrec predict"), "about section lacks the CLI example");
    });

    await check("upload shows a busy state, then the result", async () => {
      await page.setInputFiles("#file-input", clip);
      await page.waitForSelector("#busy", { state: "visible", timeout: 5000 });
      assert((await page.textContent("#busy-name")) === path.basename(clip), "busy line lacks the file name");
      await page.waitForSelector("#result", { state: "visible", timeout: 120000 });
      assert(await page.isHidden("#busy"), "busy state still shown");
    });

    await check("genre and confidence in large type match the API", async () => {
      const genre = (await page.textContent("#genre")).trim();
      assert(genre === api.genre, `page says ${genre}, API says ${api.genre}`);
      assert(model.labels.includes(genre), `${genre} is not a model label`);
      const size = await page.$eval("#genre", (e) => parseFloat(getComputedStyle(e).fontSize));
      assert(size >= 40, `genre font size ${size}px`);
      const conf = await page.textContent("#confidence");
      assert(/^\d+(\.\d)?%$/.test(conf), `confidence "${conf}"`);
      assert(Math.abs(parseFloat(conf) - api.confidence * 100) < 0.6, `${conf} vs ${api.confidence}`);
    });

    await check("one probability bar per genre", async () => {
      const bars = await page.$$eval("#bars .bar", (rows) => rows.map((r) => ({
        genre: r.dataset.genre, width: r.querySelector(".bar-fill").style.width })));
      assert(bars.length === model.labels.length, `${bars.length} bars for ${model.labels.length} labels`);
      assert(new Set(bars.map((b) => b.genre)).size === model.labels.length, "duplicate bars");
      assert(bars[0].genre === api.genre, "first bar is not the predicted genre");
      assert(parseFloat(bars[0].width) > 0, "first bar has no width");
    });

    await check("Mel spectrogram image with a time axis in seconds", async () => {
      await page.waitForFunction(() => {
        const img = document.getElementById("spectrogram");
        return img.complete && img.naturalWidth > 0;
      }, null, { timeout: 10000 });
      const img = await page.$eval("#spectrogram", (e) => ({ w: e.naturalWidth, h: e.naturalHeight, shown: e.clientWidth }));
      assert(img.h === 128 && img.w > 100 && img.shown > 300, `image ${JSON.stringify(img)}`);
      const ticks = await page.$$eval("#spec-x span", (s) => s.map((t) => t.textContent));
      assert(ticks.length >= 3 && ticks[0] === "0", `ticks ${ticks}`);
      const title = await page.textContent(".spectro .axis-title");
      assert(title.includes("(s)"), `axis title "${title}"`);
    });

    await check("timeline has one block per segment, a legend and hover details", async () => {
      const blocks = await page.$$("#timeline .segment");
      assert(blocks.length === api.segments.length, `${blocks.length} blocks for ${api.segments.length} segments`);
      const genres = await page.$$eval("#timeline .segment", (b) => b.map((x) => x.dataset.genre));
      assert(genres.every((g, i) => g === api.segments[i].genre), "block genres differ from the API");
      const legend = await page.$$eval("#legend li", (l) => l.map((x) => x.textContent));
      assert(legend.length === new Set(genres).size, `legend ${legend}`);
      await blocks[1].hover();
      await page.waitForSelector("#tooltip", { state: "visible", timeout: 2000 });
      const tip = await page.textContent("#tooltip");
      assert(tip.includes(api.segments[1].genre) && /3(\.0)?–6(\.0)? s/.test(tip), `tooltip "${tip}"`);
      await page.mouse.move(5, 5);
    });

    await check("desktop screenshot", async () => {
      await page.screenshot({ path: path.join(args.out, "serve-desktop.png"), fullPage: true });
    });

    await check("phone width: no horizontal scrolling, screenshot", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 390, `page is ${width}px wide at 390px`);
      await page.screenshot({ path: path.join(args.out, "serve-phone.png"), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await check("a text file shows a plain-words error", async () => {
      await page.setInputFiles("#file-input", textFile);
      await page.waitForSelector("#error", { state: "visible", timeout: 30000 });
      const text = await page.textContent("#error");
      assert(text.includes("Not an audio file") && text.includes('"notes.txt" is not an audio file'),
             `error text "${text}"`);
      assert(await page.isHidden("#result"), "old result still shown beside the error");
      await page.screenshot({ path: path.join(args.out, "serve-error.png") });
    });

    await check("drag and drop analyses the dropped file", async () => {
      const bytes = fs.readFileSync(clip).toString("base64");
      await page.evaluate(({ b64, name }) => {
        const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([raw], name, { type: "audio/wav" }));
        const zone = document.getElementById("dropzone");
        zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, { b64: bytes, name: "dropped.wav" });
      await page.waitForSelector("#result", { state: "visible", timeout: 120000 });
      assert(await page.isHidden("#error"), "error still shown");
      const line = await page.textContent("#file-line");
      assert(line.startsWith("dropped.wav"), `file line "${line}"`);
    });

    await check("a file over the upload limit is refused in plain words", async () => {
      await page.setInputFiles("#file-input", bigFile);
      await page.waitForSelector("#error", { state: "visible", timeout: 10000 });
      const text = await page.textContent("#error");
      assert(text.includes("File too large") && text.includes("2.0 MB"), `error text "${text}"`);
    });

    await check("the page fetched nothing from elsewhere and logged no errors", async () => {
      assert(offSite.length === 0, `off-site requests: ${offSite.join(", ")}`);
      assert(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);
    });
  } finally {
    await context.close();
  }

  await check("server exits 0 on SIGTERM", async () => {
    server.proc.kill("SIGTERM");
    const code = await waitExit(server.proc, 10000);
    assert(code === 0, `exit ${code}\n${server.state.log.slice(-500)}`);
    assert(server.state.log.includes("POST /api/predict 200"), "no request log line on stderr");
  });
  if (server.proc.exitCode === null) server.proc.kill("SIGKILL");
  fs.rmSync(tmp, { recursive: true, force: true });

  const failed = results.filter((r) => !r.ok).length;
  console.log(`browser test: ${results.length - failed} passed, ${failed} failed; screenshots in ${args.out}`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`browser test: error: ${err && err.stack ? err.stack : err}`);
  console.log(`browser test: ${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exit(1);
});
