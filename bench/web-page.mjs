// What strata's browser edition costs, in headless Chromium on this
// machine: the transfer (gzip, as a static server or CDN sends it), the
// time from navigation to the first frame drawn, and the frames per second
// while the diagram animates after a step, the canvas 1280x800. Each round
// opens a fresh browser profile (nothing cached). Run by bench/web-page.sh.
//
//   node bench/web-page.mjs URL WEB_DIR ROUNDS
import { chromium, launchArgs, openPage, settled, started, press, animationFps, transfer } from "../tests/web/strata_page.mjs";

const [url, webDir, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText || 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const first = [], fps = [];
let cost;
for (let round = 1; round <= rounds; round++) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: launchArgs });
  await browser.newContext();
  const page = await openPage(browser, url, "lesson=container/uts");
  await started(page);
  first.push(await page.evaluate(() => window.firstFrameAt));
  const banner = await page.locator("#banner").boundingBox();
  await page.setViewportSize({ width: 1280, height: 800 + Math.ceil(banner.height) });
  await settled(page);
  await page.focus("#canvas");
  await press(page, "Space");
  fps.push((await animationFps(page)).fps);
  cost = transfer(page, url, webDir);
  console.log(`round ${round}: first frame ${(first.at(-1) / 1000).toFixed(2)} s, ${fps.at(-1).toFixed(1)} fps animating`);
  await browser.close();
}
console.log("");
console.log("strata in the browser (headless Chromium, software WebGL)   measured        budget");
console.log(`  transfer, gzip (${(cost.raw / 1048576).toFixed(1)} MB raw)                          ${(cost.gz / 1048576).toFixed(2).padStart(6)} MB       8 MB`);
console.log(`  navigation to first frame, median of ${rounds}                 ${(median(first) / 1000).toFixed(2).padStart(6)} s        2 s`);
console.log(`  frames per second animating at 1280x800, median of ${rounds}   ${median(fps).toFixed(1).padStart(6)}          60`);
