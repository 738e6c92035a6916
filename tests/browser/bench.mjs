// Benchmark of the built page in headless Chromium: the time from dropping 10,000 generated
// reports to the plan shown (budget 3 s), and the gzipped size of the wasm + JS bundle
// (budget 400 KB). Run by scripts/bench-web.sh, which serves www/ and sets BASE_URL.
// Prints each run and the median; writes tests/artifacts/bench-web.json.
// With --check, exits 1 when a budget is exceeded.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launch, BASE_URL } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const COUNT = Number(process.env.BENCH_REPORTS || 10000);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const BUDGET_MS = 3000;
const BUDGET_BYTES = 400 * 1024;
const template = readFileSync(join(ROOT, 'www/examples/capability_report_old-thinkpad.json'), 'utf8');

const context = await launch();
const times = [];
const peers = [];
for (let run = 0; run < RUNS; run++) {
  const page = await context.newPage();
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.log(`  page: ${m.text()}`));
  await page.goto(`${BASE_URL}/index.html`);
  // Each run starts empty: the page keeps the last run's fleet in this browser's storage.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForSelector('#drop-zone');
  const { page: ms, peer } = await page.evaluate(async ({ template, count }) => {
    // Realistic, varied reports: a real llmcap report with the host and measurements changed
    // by a fixed pseudo-random sequence, so every run plans the same fleet.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const base = JSON.parse(template);
    const transfer = new DataTransfer();
    for (let i = 0; i < count; i++) {
      const r = structuredClone(base);
      r.hostname = `bench-${String(i).padStart(5, '0')}`;
      r.system.ram_gb = Math.round((2 + next() * 126) * 100) / 100;
      r.system.ram_available_gb = Math.round(r.system.ram_gb * (0.5 + next() * 0.45) * 100) / 100;
      r.system.disk_free_gb = Math.round(next() * 900 * 100) / 100;
      r.benchmark.gflops = Math.round((2 + next() * 400) * 10) / 10;
      const text = JSON.stringify(r, null, 2);
      transfer.items.add(new File([text], `capability_report_${r.hostname}.json`, { type: 'application/json' }));
    }
    const zone = document.getElementById('drop-zone');
    const shown = `#plan[data-machines="${count}"]`;
    const t0 = performance.now();
    zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    await new Promise((done) => {
      const check = () => (document.querySelector(shown) ? done() : requestAnimationFrame(check));
      check();
    });
    // The frame that paints it.
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const page = performance.now() - t0;
    // The peer, measured in the same run on the same files: plain JavaScript reading them the
    // same way and running JSON.parse on each, with no validation, verdicts, plan or DOM.
    const files = [...transfer.files];
    const t1 = performance.now();
    const bytes = new Uint8Array(await new Blob(files).arrayBuffer());
    const decoder = new TextDecoder();
    let offset = 0;
    let hosts = 0;
    for (const f of files) {
      hosts += JSON.parse(decoder.decode(bytes.subarray(offset, offset + f.size))).hostname ? 1 : 0;
      offset += f.size;
    }
    if (hosts !== count) throw new Error('peer parsed the wrong files');
    return { page, peer: performance.now() - t1 };
  }, { template, count: COUNT });
  times.push(ms);
  peers.push(peer);
  console.log(`bench-web: run ${run + 1}: ${COUNT} reports dropped → plan shown in ${ms.toFixed(0)} ms; peer (JS read + JSON.parse only) ${peer.toFixed(0)} ms`);
  await page.close();
}
await context.close();

const middle = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const median = middle(times);
const peerMedian = middle(peers);
const bundle = Number(readFileSync(join(ROOT, 'target/web/bundle-gzip-bytes'), 'utf8'));
const result = {
  reports: COUNT,
  runs_ms: times.map((t) => Math.round(t)),
  median_ms: Math.round(median),
  peer_runs_ms: peers.map((t) => Math.round(t)),
  peer_median_ms: Math.round(peerMedian),
  budget_ms: BUDGET_MS,
  bundle_gzip_bytes: bundle,
  budget_bytes: BUDGET_BYTES,
};
mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
writeFileSync(join(ROOT, 'tests/artifacts/bench-web.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`bench-web: median ${result.median_ms} ms for ${COUNT} reports (budget ${BUDGET_MS} ms, ${(median / BUDGET_MS).toFixed(2)}× of it)`);
console.log(`bench-web: peer median ${result.peer_median_ms} ms: the page takes ${(median / peerMedian).toFixed(1)}× plain JS reading and JSON.parse`);
console.log(`bench-web: wasm + JS bundle ${bundle} bytes gzipped (budget ${BUDGET_BYTES}, ${(bundle / BUDGET_BYTES).toFixed(2)}× of it)`);
if (process.argv.includes('--check') && (median > BUDGET_MS || bundle > BUDGET_BYTES)) {
  console.error('bench-web: over budget');
  process.exit(1);
}
