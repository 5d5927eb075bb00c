#!/usr/bin/env node
// Browser test of `genrec serve`: Debian's chromium, driven by playwright-core, against a
// server this script starts on a free loopback port. Uploads a real GTZAN clip (a synthetic
// one when ../shared is absent), a text file, an 11-minute file and several files at once;
// checks what the page shows, plays the audio, seeks, walks the timeline with the keyboard, runs
// axe-core (0 serious or critical violations, light and dark, before and after an analysis) and
// saves screenshots (light, dark, phone width). Prints pass/fail counts; exits 1 on failure, 77
// when chromium, playwright-core or axe-core is missing (CTest reports a skip) unless CI=true,
// where a missing browser is a failure.
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
// In CI a missing browser must not pass unnoticed as a skip.
const SKIP = process.env.CI === "true" ? 1 : 77;

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

// The same song as Sun/NeXT .au (big-endian 16-bit PCM), a format chromium does not play.
function synthAu(seconds, rate = 22050) {
  const wav = synthWav(seconds, rate);
  const n = (wav.length - 44) / 2;
  const buf = Buffer.alloc(24 + n * 2);
  buf.write(".snd", 0); buf.writeUInt32BE(24, 4); buf.writeUInt32BE(n * 2, 8);
  buf.writeUInt32BE(3, 12); buf.writeUInt32BE(rate, 16); buf.writeUInt32BE(1, 20);
  for (let i = 0; i < n; i++) buf.writeInt16BE(wav.readInt16LE(44 + i * 2), 24 + i * 2);
  return buf;
}

// Starts `genrec serve --port 0` and resolves with {proc, port, log} once it listens.
function startServer(args) {
  const cli = ["serve", "--port", "0", "--max-upload-mb", "12"];
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
  let axeSource;
  try {
    axeSource = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  } catch {
    console.log("skipped: axe-core is not installed (scripts/setup_browser.sh installs it)");
    return SKIP;
  }
  if (!fs.existsSync(args.genrec)) throw new Error(`${args.genrec} is not built`);
  const shipped = path.join(root, "models", "genrec-gtzan-290.genrec");
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
  fs.writeFileSync(bigFile, Buffer.concat([synthWav(1), Buffer.alloc(13 << 20)]));
  // 11 minutes at 8 kHz (10.6 MB): longer than the 600 s the server draws as a spectrogram.
  const longFile = path.join(tmp, "eleven-minutes.wav");
  fs.writeFileSync(longFile, synthWav(660, 8000));
  const shortFile = path.join(tmp, "short-song.wav");
  fs.writeFileSync(shortFile, synthWav(7));
  const auFile = path.join(tmp, "sun-audio.au");
  fs.writeFileSync(auFile, synthAu(9));
  console.log(`browser test: ${path.basename(clip)} against ${args.genrec}`);

  const server = await startServer(args);
  const origin = `http://127.0.0.1:${server.port}`;
  const offSite = [];
  const consoleErrors = [];
  const context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    args: ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--disable-extensions", "--no-default-browser-check"],
  });
  try {
    // Nothing may leave this machine: anything not for our server is refused and recorded.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
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

    // axe-core in the page (evaluated through the debugger, so the page's CSP still holds for
    // the page itself): violations of impact serious or critical, as "rule: target" lines.
    const axeViolations = async () => {
      if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
      const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      });
      return found;
    };
    const axeLightAndDark = async () => {
      const light = await axeViolations();
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForTimeout(400);  // let colour transitions finish before measuring contrast
      const dark = await axeViolations();
      await page.emulateMedia({ colorScheme: "light" });
      await page.waitForTimeout(400);
      assert(light.length === 0 && dark.length === 0, `light: ${light.join("; ")} | dark: ${dark.join("; ")}`);
    };

    await check("page loads with the model's name", async () => {
      await page.goto(origin + "/");
      assert((await page.title()).startsWith("genrec"), `title ${await page.title()}`);
      await page.waitForFunction(() => !document.getElementById("model-name").textContent.includes("loading"));
      const chip = await page.textContent("#model-name");
      assert(chip.includes(model.name), `model chip "${chip}" lacks ${model.name}`);
      const about = await page.textContent("#about");
      assert(about.includes("genrec predict"), "about section lacks the CLI example");
    });

    await check("axe-core: no serious or critical violations before an analysis (light and dark)", async () => {
      await axeLightAndDark();
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
      // Each bar's figure says its API probability: "0%" only for zero, "<0.1%" for what is not
      // zero but under 0.05%, otherwise within rounding (never "0.0%" beside "0%").
      const shown = await page.$$eval("#bars .bar", (rows) => rows.map((r) => ({
        genre: r.dataset.genre, text: r.querySelector(".bar-value").textContent })));
      for (const { genre, text } of shown) {
        const t = api.top.find((e) => e.genre === genre);
        assert(t, `no API probability for ${genre}`);
        const v = t.p * 100;
        const want = v === 0 ? text === "0%" : v < 0.05 ? text === "<0.1%"
                     : /^\d+(\.\d)?%$/.test(text) && Math.abs(parseFloat(text) - v) <= 0.51;
        assert(want, `${genre}: bar says "${text}", API p = ${t.p}`);
      }
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

    await check("the timeline is one tab stop; arrow keys move between segments", async () => {
      const stops = await page.$$eval("#timeline .segment", (b) => b.filter((x) => x.tabIndex === 0).length);
      assert(stops === 1, `${stops} tab stops in the timeline`);
      await page.focus("#timeline .segment[tabindex='0']");
      await page.keyboard.press("Home");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      const at = await page.evaluate(() => [...document.getElementById("timeline").children].indexOf(document.activeElement));
      assert(at === 2, `focus on segment ${at} after Home, →, →`);
      await page.keyboard.press("End");
      const last = await page.evaluate(() => [...document.getElementById("timeline").children].indexOf(document.activeElement));
      assert(last === api.segments.length - 1, `End went to ${last}`);
      await page.keyboard.press("Home");
      const tip = await page.textContent("#tooltip");
      assert(tip.includes(api.segments[0].genre), `tooltip "${tip}" on focus`);
      await page.evaluate(() => document.activeElement.blur());
    });

    await check("playing the audio moves the play-head over both plots", async () => {
      await page.waitForFunction(() => document.getElementById("player").readyState >= 1, null, { timeout: 10000 });
      await page.evaluate(() => document.getElementById("player").play());
      await page.waitForFunction(() => document.getElementById("player").currentTime > 1.0, null, { timeout: 15000 });
      await page.evaluate(() => document.getElementById("player").pause());
      const heads = await page.$$eval(".playhead", (h) => h.map((x) => ({ left: parseFloat(x.style.left), shown: !x.hidden })));
      const t = await page.evaluate(() => document.getElementById("player").currentTime);
      assert(heads.length === 2 && heads.every((h) => h.shown), `play-heads ${JSON.stringify(heads)}`);
      const expected = (t / api.duration_s) * 100;
      assert(heads.every((h) => Math.abs(h.left - expected) < 1), `play-heads at ${heads.map((h) => h.left)}%, audio at ${expected}%`);
    });

    await check("a click on the timeline or the spectrogram seeks there", async () => {
      const frame = await page.$("#timeline-frame");
      const box = await frame.boundingBox();
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
      let t = await page.evaluate(() => document.getElementById("player").currentTime);
      assert(Math.abs(t - api.duration_s * 0.5) < 0.5, `timeline click at 50% seeked to ${t} s of ${api.duration_s}`);
      const spec = await (await page.$("#spec-frame")).boundingBox();
      await page.mouse.click(spec.x + spec.width * 0.25, spec.y + spec.height / 2);
      t = await page.evaluate(() => document.getElementById("player").currentTime);
      assert(Math.abs(t - api.duration_s * 0.25) < 0.5, `spectrogram click at 25% seeked to ${t} s`);
      const head = await page.$eval("#timeline-frame .playhead", (h) => parseFloat(h.style.left));
      assert(Math.abs(head - 25) < 1, `play-head at ${head}% after the seek`);
    });

    await check("axe-core: no serious or critical violations after an analysis (light and dark)", async () => {
      await axeLightAndDark();
    });

    await check("uncertainty and a server warning are said in words", async () => {
      const note = await page.evaluate((json) => {
        render({ ...state.current, json: { ...json, uncertain: true, warning: "The clip is very quiet." } });
        return document.getElementById("verdict-note").textContent;
      }, api);
      assert(/unsure/.test(note) && note.includes("The clip is very quiet."), `note "${note}"`);
      const plain = await page.evaluate((json) => {
        render({ ...state.current, json });
        return document.getElementById("verdict-note").hidden;
      }, api);
      assert(plain, "note shown without uncertain or warning");
    });

    await check("desktop screenshots, light and dark", async () => {
      await page.evaluate(() => seek(state.duration * 0.4));  // show the play-head
      // From the top to the end of the timeline: the part docs/page-*.png show.
      const end = await page.$eval(".timeline-card", (c) => c.getBoundingClientRect().bottom + window.scrollY + 16);
      const clip = { x: 0, y: 0, width: 1280, height: Math.ceil(end) };
      await page.screenshot({ path: path.join(args.out, "serve-desktop.png"), fullPage: true, clip });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForTimeout(400);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.screenshot({ path: path.join(args.out, "serve-desktop-dark.png"), fullPage: true, clip });
      await page.emulateMedia({ colorScheme: "light" });
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      assert(r + g + b < 3 * 60, `dark mode background ${bg}`);
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
      assert(text.includes("File too large") && text.includes("12 MB"), `error text "${text}"`);
    });

    await check("an 11-minute file: spectrogram and timeline share one time axis", async () => {
      await page.setInputFiles("#file-input", longFile);
      await page.waitForSelector("#result", { state: "visible", timeout: 180000 });
      await page.waitForFunction(() => document.getElementById("spectrogram").naturalWidth > 0);
      await page.waitForTimeout(200);
      const g = await page.evaluate(() => {
        const rect = (id) => document.getElementById(id).getBoundingClientRect();
        const ticks = (id) => [...document.getElementById(id).children].map((t) => t.textContent);
        const blocks = document.querySelectorAll("#timeline .segment");
        const last = blocks[blocks.length - 1].getBoundingClientRect();
        return { spec: rect("spec-frame"), line: rect("timeline-frame"), img: rect("spectrogram"),
                 last: { right: last.right }, specTicks: ticks("spec-x"), lineTicks: ticks("timeline-x"),
                 stops: [...blocks].filter((b) => b.tabIndex === 0).length, n: blocks.length,
                 missing: document.getElementById("spec-missing").textContent };
      });
      assert(Math.abs(g.spec.left - g.line.left) < 1 && Math.abs(g.spec.width - g.line.width) < 1,
             `frames differ: ${JSON.stringify([g.spec, g.line])}`);
      assert(Math.abs(g.img.width / g.spec.width - 600 / 660) < 0.01, `spectrogram covers ${g.img.width / g.spec.width} of the axis`);
      assert(Math.abs(g.last.right - g.line.right) < 2, "timeline does not reach the end of the axis");
      assert(JSON.stringify(g.specTicks) === JSON.stringify(g.lineTicks), `ticks ${g.specTicks} vs ${g.lineTicks}`);
      assert(g.n === 220 && g.stops === 1, `${g.n} segments, ${g.stops} tab stops`);
      assert(g.missing.includes("600 s"), `note "${g.missing}"`);
      await page.screenshot({ path: path.join(args.out, "serve-long.png"), fullPage: true });
    });

    await check("an .au file the browser cannot play is played from the server's WAV copy", async () => {
      await page.setInputFiles("#file-input", auFile);
      await page.waitForSelector("#result", { state: "visible", timeout: 60000 });
      await page.waitForFunction(() => document.getElementById("player-note").textContent.includes("WAV copy"),
                                 null, { timeout: 15000 });
      await page.waitForFunction(() => document.getElementById("player").readyState >= 1, null, { timeout: 10000 });
      const d = await page.evaluate(() => document.getElementById("player").duration);
      assert(Math.abs(d - 9) < 0.1, `player duration ${d} s for a 9 s file`);
    });

    await check("several files at once: one table row per file, CSV download", async () => {
      await page.setInputFiles("#file-input", [clip, textFile, shortFile]);
      await page.waitForFunction(() => !document.getElementById("csv-download").disabled, null, { timeout: 180000 });
      const rows = await page.$$eval("#batch-table tbody tr", (r) => r.map((x) => x.textContent));
      assert(rows.length === 3, `${rows.length} rows: ${rows}`);
      assert(rows[0].includes(path.basename(clip)) && rows[0].toLowerCase().includes(api.genre), `row 1 "${rows[0]}"`);
      assert(rows[1].includes("notes.txt") && rows[1].includes("not an audio file"), `row 2 "${rows[1]}"`);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv-download")]);
      const csv = fs.readFileSync(await download.path(), "utf8").trim().split("\n");
      assert(csv.length === 4, `CSV has ${csv.length} lines`);
      assert(csv[0].startsWith("file,genre,confidence," + model.labels.join(",")), `header ${csv[0]}`);
      assert(csv[1].startsWith(`${path.basename(clip)},${api.genre},`), `CSV row ${csv[1]}`);
      await page.click("#batch-table tbody tr:nth-child(3) button");
      const shown = await page.textContent("#file-line");
      assert(shown.startsWith("short-song.wav"), `details show "${shown}"`);
      const violations = await axeViolations();
      assert(violations.length === 0, violations.join("; "));
      await page.screenshot({ path: path.join(args.out, "serve-batch.png"), fullPage: true });
    });

    await check("a folder (folder picker): its audio files, subfolders too, one row each", async () => {
      const album = path.join(tmp, "album");
      fs.mkdirSync(path.join(album, "disc 2"), { recursive: true });
      fs.copyFileSync(clip, path.join(album, "one.wav"));
      fs.copyFileSync(shortFile, path.join(album, "disc 2", "two.wav"));
      fs.writeFileSync(path.join(album, "cover.txt"), "not audio: left out of a folder");
      await page.setInputFiles("#folder-input", album);
      await page.waitForFunction(() => !document.getElementById("csv-download").disabled, null, { timeout: 180000 });
      const rows = await page.$$eval("#batch-table tbody tr", (r) => r.map((x) => x.textContent));
      assert(rows.length === 2, `${rows.length} rows: ${rows}`);
      assert(rows[0].includes("album/disc 2/two.wav"), `row 1 "${rows[0]}"`);
      assert(rows[1].includes("album/one.wav") && rows[1].toLowerCase().includes(api.genre), `row 2 "${rows[1]}"`);
      const progress = await page.textContent("#batch-progress");
      assert(progress === "2 files, 2 analysed", `summary "${progress}"`);
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
