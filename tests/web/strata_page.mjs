// Driving strata's browser edition in Chromium: shared by its CTest
// (tests/web/browser_test.mjs) and its benchmark (bench/web-page.mjs).
// playwright-core comes from STRATA_WEB_TEST_MODULES (npm ci of
// tests/web/package-lock.json); it drives Debian's /usr/bin/chromium.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const require = createRequire(process.env.STRATA_WEB_TEST_MODULES + "/");
export const { chromium } = require("playwright-core");

// As the machine notes say: headless, no sandbox (root), and nothing that
// reaches for the network this machine does not have.
export const launchArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--use-gl=angle",
  "--use-angle=swiftshader", "--enable-unsafe-swiftshader"];

export async function openPage(browser, url, fragment, { viewport = { width: 1280, height: 860 }, expectErrors = false, route } = {}) {
  const context = browser.contexts()[0] ?? await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.errors = [];
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text() + " at " + m.location().url + ":" + m.location().lineNumber); });
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.responses = [];
  page.on("response", (r) => page.responses.push(r.url()));
  if (route) await page.route(route.pattern, route.handler);
  // When the first frame was drawn, in ms since navigation started.
  await page.addInitScript(() => {
    function watch() {
      try {
        if (window.Module && Module._strata_test_state &&
            JSON.parse(Module.ccall("strata_test_state", "string", [], [])).frames >= 1) {
          window.firstFrameAt = performance.now();
          return;
        }
      } catch (e) { /* not started yet */ }
      requestAnimationFrame(watch);
    }
    requestAnimationFrame(watch);
  });
  await page.goto(url + "/index.html" + (fragment ? "#" + fragment : ""));
  page.expectErrors = expectErrors;
  return page;
}

export async function state(page) {
  return JSON.parse(await page.evaluate(() => Module.ccall("strata_test_state", "string", [], [])));
}

export async function started(page) {
  await page.waitForFunction(() => window.firstFrameAt !== undefined, null, { timeout: 60000 });
}

// Idle, the animation over, and a few frames drawn since.
export async function settled(page) {
  await page.waitForFunction(() => {
    const s = JSON.parse(Module.ccall("strata_test_state", "string", [], []));
    if (s.busy || s.animating) { window.quietSince = undefined; return false; }
    if (window.quietSince === undefined) window.quietSince = s.frames;
    return s.frames - window.quietSince >= 3;
  }, null, { timeout: 60000, polling: "raf" });
  await page.evaluate(() => { window.quietSince = undefined; });
  return state(page);
}

// A key held as a hand holds it: at least 80 ms and two of strata's
// frames (a press and release inside one frame is shorter than any
// person's, and ImGui 1.86 reads keys once a frame).
export async function press(page, key) {
  const frames = async () => (await state(page)).frames;
  const down = await frames();
  const since = Date.now();
  await page.keyboard.down(key);
  await page.waitForFunction((n) => JSON.parse(Module.ccall("strata_test_state", "string", [], [])).frames >= n,
    down + 2, { polling: "raf" });
  const held = Date.now() - since;
  if (held < 80) await page.waitForTimeout(80 - held);
  await page.keyboard.up(key);
}

// Frames per second while the diagram animates after one step, measured
// in the page from the browser's own frame clock.
export async function animationFps(page) {
  const samples = await page.evaluate(() => new Promise((resolve) => {
    const out = [];
    function tick(t) {
      const s = JSON.parse(Module.ccall("strata_test_state", "string", [], []));
      out.push([t, s.frames, s.animating]);
      if (out.length < 2 || (s.animating || s.busy) && t - out[0][0] < 5000) requestAnimationFrame(tick);
      else resolve(out);
    }
    requestAnimationFrame(tick);
  }));
  const moving = samples.filter((x) => x[2]);
  const fps = moving.length > 1 ? (moving.at(-1)[1] - moving[0][1]) * 1000 / (moving.at(-1)[0] - moving[0][0]) : 0;
  return { fps, frames: moving.length };
}

// Sizes of the files a page fetched from `url`: raw, and gzip-compressed
// as a static server or CDN would send them.
export function transfer(page, url, webDir) {
  let raw = 0, gz = 0;
  const files = [...new Set(page.responses.filter((u) => u.startsWith(url)).map((u) => new URL(u).pathname.slice(1)))];
  for (const name of files) {
    const file = path.join(webDir, name || "index.html");
    if (!fs.existsSync(file)) continue;
    const bytes = fs.readFileSync(file);
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gz };
}
