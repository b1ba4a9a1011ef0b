// strata's browser edition in Debian's Chromium, driven by playwright-core:
// the page served by a plain static server (python3 -m http.server, as
// docs/WEB.md tells users), vm/hello-kvm and container/uts stepped with
// real key presses and clicks, pixels checked as the Xvfb window tests
// check them (a node the step's recorded events touched is lit after the
// step and not before), a prediction answered, progress exported and
// imported, bad input (no WebGL 2, a corrupt recording, a missing data
// file, a newer progress file) answered in words. Any console error on a
// page that should work fails the test.
//
//   node browser_test.mjs URL WEB_DIR SCREENSHOT_DIR
//
// It also prints what the page costs (transfer, time to first frame,
// frames per second while the diagram animates at 1280x800) for
// docs/WEB.md; only the transfer, which does not depend on the machine's
// speed, is held to its budget here.
import fs from "node:fs";
import path from "node:path";

import { chromium, launchArgs, openPage, state, started, settled, press, animationFps, transfer } from "./strata_page.mjs";

const [url, webDir, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });
const kTransferBudget = 8 * 1024 * 1024;

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

async function canvasBox(page) {
  return page.locator("#canvas").boundingBox();
}

// The share of each rect's pixels (4 px in from its edge) within 2 of
// `rgb` on every channel, from a screenshot the browser decodes itself.
async function shares(page, rects, rgb, name) {
  const box = await canvasBox(page);
  const png = await page.screenshot({ clip: box });
  fs.writeFileSync(path.join(shots, name + ".png"), png);
  return page.evaluate(async ({ b64, rects, rgb }) => {
    const blob = await (await fetch("data:image/png;base64," + b64)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext("2d");
    g.drawImage(bitmap, 0, 0);
    const out = {};
    const ratio = window.devicePixelRatio || 1;
    for (const [key, r] of Object.entries(rects)) {
      const x0 = Math.ceil(r[0] / ratio) + 4, y0 = Math.ceil(r[1] / ratio) + 4;
      const x1 = Math.floor(r[2] / ratio) - 4, y1 = Math.floor(r[3] / ratio) - 4;
      const data = g.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      let match = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - rgb[0]) <= 2 && Math.abs(data[i + 1] - rgb[1]) <= 2 && Math.abs(data[i + 2] - rgb[2]) <= 2) match++;
      out[key] = match / (data.length / 4);
    }
    // Distinct colours on a coarse grid: a blank or black page has a handful.
    const all = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set();
    for (let y = 0; y < bitmap.height; y += 7)
      for (let x = 0; x < bitmap.width; x += 7) {
        const i = (y * bitmap.width + x) * 4;
        seen.add((all[i] << 16) | (all[i + 1] << 8) | all[i + 2]);
      }
    out["(distinct colours)"] = seen.size;
    return out;
  }, { b64: png.toString("base64"), rects, rgb });
}

// Every node the current step touched is mostly the highlight; every other
// node has not one highlight pixel.
async function checkLitNodes(page, s, name) {
  const got = await shares(page, s.nodes, s.node_lit, name);
  check(got["(distinct colours)"] > 20, `${name}: a real picture (${got["(distinct colours)"]} colours)`);
  check(s.touched.length > 0, `${name}: step ${s.current_step + 1} of ${s.lesson} recorded events (${s.touched.join(", ")})`);
  for (const key of Object.keys(s.nodes)) {
    const touched = s.touched.includes(key);
    const share = got[key];
    check(touched ? share > 0.5 : share === 0,
      `${name}: ${key} ${touched ? "lit" : "not lit"} (${(share * 100).toFixed(0)}% highlight)`);
  }
}

async function clickCanvas(page, rect) {
  const box = await canvasBox(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio || 1);
  await page.mouse.click(box.x + (rect[0] + rect[2]) / 2 / ratio, box.y + (rect[1] + rect[3]) / 2 / ratio);
}

function noErrors(page, what) {
  check(page.errors.length === 0, `${what}: no console errors` + (page.errors.length ? ` (${page.errors.join(" | ")})` : ""));
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: launchArgs });
const context = await browser.newContext({ acceptDownloads: true });
try {
  // --- vm/hello-kvm: keys, pixels, a prediction, progress out ---
  const vm = await openPage(browser, url, "lesson=vm/hello-kvm");
  await started(vm);
  const firstFrame = await vm.evaluate(() => window.firstFrameAt);
  let s = await settled(vm);
  check(s.lesson === "vm/hello-kvm" && s.current_step === -1, "vm/hello-kvm opens from the page's #lesson= link");
  check(/^A real run on Linux .*, replayed$/.test(s.replay_label), `the replay names its machine: ${s.replay_label}`);
  const before = await shares(vm, s.nodes, s.node_lit, "vm-hello-kvm-0-before");
  check(before["(distinct colours)"] > 20, `before any step: a real picture (${before["(distinct colours)"]} colours)`);
  check(Object.keys(s.nodes).every((k) => before[k] === 0), "before any step: no node lit");
  await vm.waitForFunction(() => document.getElementById("machine").textContent.includes("A real run on Linux"));
  check(true, "the banner names the machine of the shown replay");

  await vm.focus("#canvas");
  await press(vm, "Space");
  s = await settled(vm);
  check(s.current_step === 0, "Space runs step 1");
  await checkLitNodes(vm, s, "vm-hello-kvm-1");
  for (const key of ["ArrowRight", "Space", "ArrowRight", "Space"]) {
    const from = s.current_step;
    await press(vm, key);
    s = await settled(vm);
    check(s.current_step === from + 1, `${key} runs step ${from + 2} (at step ${s.current_step + 1}, frame ${s.frames})`);
  }
  s = await settled(vm);
  check(s.current_step === 4, `four more key presses run steps 2-5 (at step ${s.current_step + 1})`);
  await checkLitNodes(vm, s, "vm-hello-kvm-5");

  // The prediction asked before step 6: click a choice, lock it in, run the step.
  const asked = s.predictions.find((p) => p.step === 5 && p.choices && p.lock_in);
  check(!!asked, "a prediction is asked before step 6, with its choices drawn");
  if (asked) {
    await clickCanvas(vm, asked.choices[0]);
    await settled(vm);
    await clickCanvas(vm, asked.lock_in);
    s = await settled(vm);
    const locked = s.predictions.find((p) => p.id === asked.id);
    check(locked.locked !== "", `clicking a choice and "Lock in" locks the prediction (${locked.locked})`);
    await press(vm, "Space");
    s = await settled(vm);
    const judged = s.predictions.find((p) => p.id === asked.id);
    check(!!judged.verdict, `step 6 judges it against the recording: ${judged.verdict}`);
    await vm.screenshot({ path: path.join(shots, "vm-hello-kvm-6-verdict.png") });
  }
  check(s.finished && s.steps_done["vm/hello-kvm"] === 6, "all six steps done and kept in progress");

  // A click on a lit node filters the timeline by it (the desktop's click).
  await clickCanvas(vm, s.nodes["kvm"]);
  s = await settled(vm);
  check(s.timeline_filter === "kvm", `a click on the KVM node filters the timeline by it (${s.timeline_filter})`);

  // The timeline's Export…, then Save: the Chrome trace arrives as a download.
  await clickCanvas(vm, s.timeline_export);
  s = await settled(vm);
  check(!!s.timeline_save, "the timeline's Export… opens its save popup");
  const [trace] = await Promise.all([vm.waitForEvent("download"), clickCanvas(vm, s.timeline_save)]);
  const traceJson = JSON.parse(fs.readFileSync(await trace.path(), "utf8"));
  const traced = (traceJson.traceEvents ?? []).filter((e) => e.ph === "X").length;
  check(trace.suggestedFilename() === "strata-trace.json" && traced > 0,
    `Export… Save downloads the Chrome trace (${trace.suggestedFilename()}, ${traced} complete events of ${s.events} recorded)`);

  const [download] = await Promise.all([vm.waitForEvent("download"), vm.click("#export-progress")]);
  const exported = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  fs.writeFileSync(path.join(shots, "exported-progress.json"), JSON.stringify(exported, null, 2));
  check(download.suggestedFilename() === "strata-progress.json", "Export progress downloads strata-progress.json");
  check(Object.keys(exported.lessons?.["vm/hello-kvm"]?.steps ?? {}).length === 6,
    "the export holds the six steps, in the desktop's progress format");
  const attempts = Object.values(exported.lessons["vm/hello-kvm"].exercises ?? {}).flatMap((e) => e.attempts ?? []);
  check(attempts.length >= 1, `the export holds the prediction's attempt (${attempts.length})`);
  noErrors(vm, "vm/hello-kvm");

  // --- container/uts, in a new page of the same browser profile ---
  const uts = await openPage(browser, url, "lesson=container/uts");
  await started(uts);
  s = await settled(uts);
  check(s.steps_done["vm/hello-kvm"] === 6, "progress survives a reload (kept in the browser's storage)");
  await uts.focus("#canvas");
  await press(uts, "Space");
  s = await settled(uts);
  await checkLitNodes(uts, s, "container-uts-1");
  await press(uts, "ArrowRight");
  s = await settled(uts);
  check(s.touched.includes("namespaces"), "container/uts step 2 touches the namespaces node");
  await checkLitNodes(uts, s, "container-uts-2");

  // Import: a file from a newer strata is refused and kept; a good one merges.
  const newer = structuredClone(exported);
  newer.version = 99;
  const newerFile = path.join(shots, "newer-progress.json");
  fs.writeFileSync(newerFile, JSON.stringify(newer));
  await uts.setInputFiles("#import-progress", newerFile);
  await uts.waitForFunction(() => document.getElementById("page-message").textContent !== "");
  let said = await uts.textContent("#page-message");
  check(/^not imported: .*newer strata.*kept as .*progress\.json\.newer-.*unchanged$/.test(said), `a newer file: "${said}"`);
  const good = structuredClone(exported);
  good.lessons["container/uts"] = { steps: { "extra-step": { first_done: "2026-12-01T10:00:00Z", live: true } } };
  const goodFile = path.join(shots, "good-progress.json");
  fs.writeFileSync(goodFile, JSON.stringify(good));
  await uts.setInputFiles("#import-progress", goodFile);
  await uts.waitForFunction(() => document.getElementById("page-message").textContent.startsWith("imported"));
  said = await uts.textContent("#page-message");
  check(/^imported: [1-9]\d* new step\(s\)/.test(said), `a good file merges: "${said}"`);

  // Frames per second while the diagram animates, the canvas 1280x800.
  const banner = await uts.locator("#banner").boundingBox();
  await uts.setViewportSize({ width: 1280, height: 800 + Math.ceil(banner.height) });
  await settled(uts);
  const canvas = await canvasBox(uts);
  await press(uts, "Home");
  await settled(uts);
  await press(uts, "Space");
  const { fps, frames: moving } = await animationFps(uts);
  check(moving > 1, `the diagram animated after the step (${moving} frames seen)`);
  noErrors(uts, "container/uts");

  // What the page cost to load: every file it fetched, gzip-compressed as
  // a static server or CDN would send it.
  const { files: fetched, raw, gz } = transfer(vm, url, webDir);
  check(fetched.some((n) => n === "strata.data") && fetched.some((n) => n === "strata.wasm"), `the page fetched ${fetched.join(", ")}`);
  check(gz <= kTransferBudget, `transfer ${(gz / 1048576).toFixed(2)} MB gzip (${(raw / 1048576).toFixed(2)} MB raw), budget 8 MB`);
  console.log(`measured: first frame ${(firstFrame / 1000).toFixed(2)} s after navigation; ` +
    `${fps.toFixed(1)} fps while animating at ${Math.round(canvas.width)}x${Math.round(canvas.height)}; ` +
    `transfer ${(gz / 1048576).toFixed(2)} MB gzip, ${(raw / 1048576).toFixed(2)} MB raw`);
  await vm.close();
  await uts.close();

  // Demo mode for a projector, straight from a course page's link.
  const demo = await openPage(browser, url, "lesson=container/uts&demo=1");
  await started(demo);
  await demo.focus("#canvas");
  await press(demo, "Space");
  s = await settled(demo);
  check(s.demo && s.current_step === 0, "#demo=1 opens demo mode, and Space steps in it");
  const lit = await shares(demo, s.nodes, s.node_lit, "demo-container-uts-1");
  check(s.touched.every((k) => lit[k] > 0.5), `demo mode lights the step's nodes (${s.touched.join(", ")})`);
  noErrors(demo, "demo mode");
  await demo.close();

  // --- bad input ---
  // A corrupt recording: the same message the desktop gives, on the status line.
  const js = fs.readFileSync(path.join(webDir, "strata.js"), "utf8");
  const entry = js.match(/"filename":\s*"\/strata\/assets\/recordings\/container\/uts\.json",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/);
  check(!!entry, "strata.js lists where container/uts's recording sits in strata.data");
  if (entry) {
    const data = fs.readFileSync(path.join(webDir, "strata.data"));
    const broken = Buffer.from(data);
    broken.fill(0x7b, Number(entry[1]) + 10, Number(entry[2]) - 10);  // "{{{{..." : not JSON any more
    const corrupt = await openPage(browser, url, "lesson=container/uts", {
      route: { pattern: "**/strata.data", handler: (r) => r.fulfill({ body: broken, contentType: "application/octet-stream" }) },
    });
    await started(corrupt);
    s = await settled(corrupt);
    await corrupt.screenshot({ path: path.join(shots, "corrupt-recording.png") });
    check(/recordings\/container\/uts\.json/.test(s.problem) && !s.lesson,
      `a corrupt recording is refused, named on the status line: "${s.problem}"`);
    noErrors(corrupt, "corrupt recording");
    await corrupt.close();
  }
  // A link to a lesson the course does not have: said, and the course opens.
  const unknown = await openPage(browser, url, "lesson=vm/no-such-lesson");
  await started(unknown);
  await settled(unknown);
  said = await unknown.textContent("#page-message");
  check(/^no lesson "vm\/no-such-lesson" in this course/.test(said), `an unknown lesson in the link is said: "${said}"`);
  noErrors(unknown, "unknown lesson");
  await unknown.close();

  // The data file missing from the server: said on the page.
  const missing = await openPage(browser, url, "", {
    expectErrors: true,
    route: { pattern: "**/strata.data", handler: (r) => r.fulfill({ status: 404, body: "not found" }) },
  });
  await missing.waitForFunction(() => !document.getElementById("page-error").hidden, null, { timeout: 30000 });
  said = await missing.textContent("#page-error");
  await missing.screenshot({ path: path.join(shots, "missing-data.png") });
  check(/strata\.data/.test(said), `a missing strata.data is said on the page: "${said.split("\n")[0]}"`);
  await missing.close();
} finally {
  await browser.close();
}

// A browser without WebGL 2: a readable page saying so.
const noGl = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...launchArgs, "--disable-webgl", "--disable-3d-apis"] });
try {
  const page = await noGl.newPage();
  await page.goto(url + "/index.html");
  await page.waitForFunction(() => !document.getElementById("page-error").hidden, null, { timeout: 30000 });
  const said = await page.textContent("#page-error");
  await page.screenshot({ path: path.join(shots, "no-webgl2.png") });
  check(/needs WebGL 2/.test(said), `without WebGL 2 the page says so: "${said.split("\n")[0]}"`);
} finally {
  await noGl.close();
}

console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
