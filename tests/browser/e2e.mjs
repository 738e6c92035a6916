// End-to-end test of the built page (www/) in headless Chromium, served on 127.0.0.1 by
// scripts/test-web.sh: loading good and bad reports through the file input and through a
// drop, the rows, errors, verdicts and plan shown, what-if, sorting, the keyboard, the
// downloads (byte for byte against `llmcap plan --json` when LLMCAP_BIN is set), and that the
// page makes no request beyond its own assets. Saves screenshots in tests/artifacts/.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch, dropFiles, scratchDir, BASE_URL } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'tests/artifacts');
const SEED = join(ROOT, 'tests/fixtures/seed-reports');
const EXAMPLES = join(ROOT, 'www/examples');
const BAD = join(ROOT, 'tests/fixtures/bad'); // the bad-report corpus shared with llmcap plan's tests
const LLMCAP_BIN = process.env.LLMCAP_BIN;
const ORIGIN = new URL(BASE_URL).origin;
// Everything the page may request: its own files, nothing else.
const ASSETS = ['/', '/index.html', '/style.css', '/index.js', '/pkg/llmcap_web.js', '/pkg/llmcap_web_bg.wasm.js'];

mkdirSync(ARTIFACTS, { recursive: true });
const scratch = scratchDir('llmcap-e2e-');

const json = (path) => JSON.parse(readFileSync(path, 'utf8'));
const files = (dir, ext = '') => readdirSync(dir).filter((f) => f.endsWith(ext) && f !== 'README.md').map((f) => join(dir, f)).sort();

let context;
let page;
const requests = [];
const problems = [];

before(async () => {
  context = await launch();
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${BASE_URL}/index.html`);
  await page.waitForSelector('#load-heading');
});

after(async () => {
  await context?.close();
});

async function summary() {
  return page.locator('#file-summary').innerText();
}

async function fleetHosts() {
  return page.locator('#fleet-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.host));
}

async function verdicts(host) {
  return page.locator(`#fleet-table tr[data-host="${host}"] td[data-verdict]`).evaluateAll((cells) =>
    Object.fromEntries(cells.map((c) => [c.dataset.verdict, c.innerText.includes('yes')])));
}

async function planHosts() {
  return page.locator('#plan .phase tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.host));
}

function expectedVerdicts(path) {
  const c = json(path).capabilities;
  return { prerequisites: c.prerequisites, e0_e1: c.e0_e1, e2_full: c.e2_full, e2_quantized: c.e2_quantized };
}

/** Runs `llmcap classify --json` on files; returns its outcomes by file name. */
function cliClassify(paths, extra = []) {
  let out;
  try {
    out = execFileSync(LLMCAP_BIN, ['classify', '--json', ...extra, ...paths], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout; // exit code 2 when any file is bad; the outcomes are still printed
  }
  return Object.fromEntries(JSON.parse(out.toString('utf8')).map((o) => [o.file, o]));
}

const verdictOf = (c) => ({ prerequisites: c.prerequisites, e0_e1: c.e0_e1, e2_full: c.e2_full, e2_quantized: c.e2_quantized });

async function download(selector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  assert.equal(dl.suggestedFilename(), name);
  const path = join(ARTIFACTS, name);
  await dl.saveAs(path);
  return readFileSync(path);
}

test('the page states its privacy rule and its policy forbids connections', async () => {
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /connect-src 'none'/);
  assert.match(await page.locator('#privacy').innerText(), /never leave this browser/);
  // Even the page itself cannot send anything: a fetch is refused by the policy.
  const refused = await page.evaluate(async () => {
    try {
      await fetch('/index.html');
      return false;
    } catch {
      return true;
    }
  });
  assert.ok(refused, 'fetch must be blocked by connect-src');
  // Chromium logs the refusal as a console error: expected here, and only here.
  assert.ok(problems.length > 0 && problems.every((p) => p.includes('Content Security Policy')), problems.join('\n'));
  problems.length = 0;
});

// The corpus's two reports of host `twin` are valid: the newer is used, the older set aside.
const twins = [join(BAD, 'same-host-newer.json'), join(BAD, 'same-host-older.json')];
const good = [join(SEED, 'h200-16core-offline.json'), ...files(EXAMPLES, '.json').filter((f) => !f.includes('gpu-h200')), twins[0]];
const notes = join(scratch, 'notes.txt');
const bad = [...files(BAD, '.json').filter((f) => !twins.includes(f)), notes];
const huge = join(scratch, 'huge.json');
const htmlName = join(scratch, '<img src=x onerror=window.__xss2=1>.json');
let loaded = [];

test('reports picked with the file input: good ones used, bad ones rejected with their error', async () => {
  writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 0x20));
  writeFileSync(htmlName, readFileSync(join(SEED, 'epyc-2core.json')));
  writeFileSync(notes, 'hostname: lab-pi\nram: 4 GB\nthis is a note, not a report\n');
  const picked = [...good, twins[1], ...bad, huge, htmlName];
  await page.setInputFiles('#file-input', picked);
  loaded = picked;
  await page.waitForFunction((n) => document.getElementById('file-summary')?.innerText.startsWith(`${n} file(s):`), picked.length);
  assert.match(await summary(), new RegExp(`^${picked.length} file\\(s\\): ${good.length} used, ${bad.length + 1} rejected, 2 not used`));

  const hosts = await fleetHosts();
  const expectedHosts = good.map((f) => json(f).hostname);
  expectedHosts.push('vm'); // the file with HTML in its name is the EPYC report, host `vm`
  assert.match(await page.locator('.file-list li[data-file="same-host-older.json"]').innerText(), /not used[\s\S]*newer/);
  assert.deepEqual([...hosts].sort(), [...new Set(expectedHosts)].sort());

  for (const file of [...bad, huge]) {
    const name = basename(file);
    const item = page.locator(`.file-list li[data-file="${name}"]`);
    assert.equal(await item.getAttribute('class'), 'file rejected', `${name} is rejected`);
    const text = await item.locator('.error-text').innerText();
    assert.ok(text.startsWith(`${name}: `), `the error names the file: ${text}`);
  }
  const error = async (name) => page.locator(`.file-list li[data-file="${name}"] .error-text`).innerText();
  assert.match(await error('huge.json'), /^huge\.json: too large \(52428800 bytes\); a bundle of reports can be at most 33554432 bytes$/);
  assert.match(await error('notes.txt'), /not valid JSON at line 1, column 1/);
  assert.match(await error('ram-string.json'), /field `system\.ram_available_gb`/);
  assert.match(await error('schema-future.json'), /`schema_version` is 99/);
  assert.match(await error('ram-nan.json'), /NaN/);
  assert.match(await error('array.json'), /a JSON array, expected a JSON object/);
  // A host name or a file name holding HTML is shown as text, never run or rendered.
  assert.match(await error('hostname-html.json'), /field `hostname` is "<script>alert\(1\)<\/script>"/);
  assert.equal(await page.locator('main img, main b, main script').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss ?? window.__xss2), undefined);
  assert.equal(await page.locator(`.file-list li[data-file="${basename(htmlName)}"] .file-name`).innerText(), basename(htmlName));

  if (LLMCAP_BIN) {
    // The page says exactly what `llmcap classify` says about every file.
    const cli = cliClassify(picked);
    for (const file of picked) {
      const name = basename(file);
      const outcome = cli[name];
      assert.ok(outcome, `llmcap classify reported on ${name}`);
      if (outcome.error !== undefined) {
        assert.equal(await error(name), outcome.error, `${name}: same error text as the CLI`);
      } else {
        assert.deepEqual(await verdicts(outcome.hostname), verdictOf(outcome.capabilities), `${name}: same verdict as the CLI`);
      }
    }
  }
});

test('each row shows the verdicts of its report, and the plan uses the machines', async () => {
  for (const file of good) {
    const host = json(file).hostname;
    assert.deepEqual(await verdicts(host), expectedVerdicts(file), host);
  }
  const row = page.locator('#fleet-table tr[data-host="gpu-desktop"]');
  const text = await row.innerText();
  for (const part of ['tier 3', '57.31 / 62.7 GB', 'NVIDIA GeForce RTX 4090, 23.99 GB', 'tok/s', 'ready', '2: e0_e1_subset']) {
    assert.ok(text.includes(part), `gpu-desktop row shows ${part}: ${text}`);
  }
  const plan = page.locator('#plan');
  assert.equal(await plan.getAttribute('data-machines'), String((await fleetHosts()).length));
  assert.ok((await planHosts()).includes('lab-pi'), 'the Pi runs the prerequisites');
  // Host `vm` is the EPYC report here (newer than the H200 one): the RTX 4090 desktop is best.
  assert.equal(await page.locator('#e2-choice .e2-host').innerText(), 'gpu-desktop');
  // Warnings stand out, and the balanced plan shares E0 by speed, drawn as bars.
  const warnings = await page.locator('#plan-warnings').innerText();
  assert.match(warnings, /files skipped as not valid reports: \d+ of \d+/);
  assert.match(warnings, /twin: kept the newest report same-host-newer\.json/);
  assert.ok((await page.locator('#chart-shares svg g.bar').count()) >= 2);
  assert.ok((await page.locator('#chart-ram svg g.bar').count()) === (await fleetHosts()).length);
});

test('a drop adds files; the same host twice keeps the newest and says so', async () => {
  // The H200 report (host `vm`, older) was picked with the EPYC report under an HTML name
  // (host `vm`, newer): the H200 one is already set aside.
  const older = basename(good[0]);
  const note = await page.locator(`.file-list li[data-file="${older}"]`).innerText();
  assert.match(note, /not used/);
  assert.match(note, /newer/);

  await dropFiles(page, [
    { name: 'dropped-bad.json', text: '{"hostname": "x"' },
    { name: 'capability_report_old-thinkpad-copy.json', text: readFileSync(join(EXAMPLES, 'capability_report_old-thinkpad.json'), 'utf8') },
  ]);
  await page.waitForSelector('.file-list li[data-file="dropped-bad.json"]');
  loaded.push('dropped-bad.json', 'capability_report_old-thinkpad-copy.json');
  assert.match(await page.locator('.file-list li[data-file="dropped-bad.json"] .error-text').innerText(), /^dropped-bad\.json: not valid JSON/);
  // Two equal reports: the plan keeps the first by file name (never by the order given).
  assert.match(
    await page.locator('.file-list li[data-file="capability_report_old-thinkpad.json"]').innerText(),
    /not used[\s\S]*the same report as capability_report_old-thinkpad-copy\.json; counted once/,
  );
  assert.equal((await fleetHosts()).filter((h) => h === 'old-thinkpad').length, 1);
});

test('removing a file updates the fleet and brings back an older report', async () => {
  const newer = basename(htmlName);
  await page.getByRole('button', { name: `Remove ${newer}` }).click();
  loaded = loaded.filter((f) => basename(f) !== newer);
  await page.waitForFunction((n) => !document.querySelector(`.file-list li[data-file="${n}"]`), newer);
  const vm = page.locator('#fleet-table tr[data-host="vm"]');
  assert.deepEqual(await verdicts('vm'), expectedVerdicts(good[0]));
  assert.match(await vm.innerText(), /NVIDIA H200/);
});

test('sorting by a column, with the keyboard', async () => {
  const header = page.getByRole('button', { name: 'RAM available / total' });
  await header.focus();
  await page.keyboard.press('Enter');
  assert.equal((await fleetHosts())[0], 'vm', 'most available RAM first: the H200 machine');
  assert.equal(await page.locator('th[aria-sort]').innerText(), 'RAM available / total ▼');
  await page.keyboard.press('Enter');
  assert.equal((await fleetHosts())[0], 'lab-pi');
});

test('a machine opens with its checks and recommendations; what-if changes verdict and plan', async () => {
  await page.locator('#fleet-table button.host', { hasText: 'old-thinkpad' }).press('Enter');
  const detail = page.locator('#machine-detail');
  await detail.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-heading', 'focus moves to the details');
  assert.equal(await detail.locator('table.checks').count(), 4);
  const e0 = await detail.locator('table.checks[data-phase="e0_e1"]').innerText();
  assert.match(e0, /available RAM\s+≥ 5 GB\s+5\.38 GB\s+✓ pass/);
  // The level, the batch and the install lines follow llmcap's assessment: every level is
  // slow on this old CPU, so it runs the fastest, and fine-tunes with QLoRA.
  assert.match(await detail.locator('.quantization').innerText(), /^Phi-3-mini 3-bit \(q3\) on the CPU: needs 3\.83 GB, this machine has 5\.38 GB of available RAM/);
  assert.match(await detail.locator('.batch').innerText(), /^QLoRA on the CPU: batch size 1, gradient accumulation 16/);
  assert.match(await detail.locator('.install-line').first().innerText(), /ollama pull phi3:3\.8b-mini-4k-instruct-q3_K_M/);
  assert.ok((await planHosts()).includes('old-thinkpad'));

  await page.getByLabel('Available RAM (GB)').fill('2');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForSelector('#fleet-table tr.what-if[data-host="old-thinkpad"]');
  assert.deepEqual(await verdicts('old-thinkpad'), { prerequisites: false, e0_e1: false, e2_full: false, e2_quantized: false });
  if (LLMCAP_BIN) {
    const thinkpad = join(EXAMPLES, 'capability_report_old-thinkpad.json');
    const cli = cliClassify([thinkpad], ['--ram-available-gb', '2'])[basename(thinkpad)];
    assert.deepEqual(await verdicts('old-thinkpad'), verdictOf(cli.capabilities), 'what-if equals llmcap classify --ram-available-gb 2');
  }
  assert.ok(!(await planHosts()).includes('old-thinkpad'), 'the plan drops a machine that can run nothing');
  // The plan download says that it is a what-if plan.
  assert.match(await page.locator('#what-if-download').innerText(), /What-if values are in effect/);
  assert.equal(await page.locator('#download-plan').innerText(), 'Download distributed_plan.what-if.json');

  await page.getByLabel('Available RAM (GB)').fill('-3');
  await page.getByRole('button', { name: 'Apply' }).click();
  assert.match(await detail.locator('[role="alert"]').innerText(), /Available RAM: "-3" is not a number ≥ 0/);
  await page.getByLabel('Free disk (GB)').fill('1e');
  await page.getByLabel('Available RAM (GB)').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  assert.match(await detail.locator('[role="alert"]').innerText(), /Free disk: "1e" is not a number ≥ 0/);
  await page.getByLabel('Free disk (GB)').fill('');

  await page.getByRole('button', { name: 'Back to measured values' }).click();
  await page.waitForSelector('#fleet-table tr[data-host="old-thinkpad"]:not(.what-if)');
  assert.deepEqual(await verdicts('old-thinkpad'), expectedVerdicts(join(EXAMPLES, 'capability_report_old-thinkpad.json')));
  assert.equal(await page.locator('#what-if-download').count(), 0);
  assert.equal(await page.locator('#download-plan').innerText(), 'Download distributed_plan.json');
});

test('at 1280 × 800 the fleet table shows every verdict without sideways scrolling', async () => {
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    const outside = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#fleet-table tbody tr')].slice(0, 3);
      return rows.flatMap((r) => [...r.querySelectorAll('td[data-verdict], td.speed, td.work')]
        .filter((c) => c.getBoundingClientRect().right > window.innerWidth || c.getBoundingClientRect().left < 0)
        .map((c) => `${r.dataset.host} ${c.dataset.verdict ?? c.className}`));
    });
    await page.locator('#fleet-table').screenshot({ path: join(ARTIFACTS, 'web-screenshot-fleet-1280.png') });
    assert.ok((await page.locator('#fleet-table tbody tr').count()) >= 3);
    assert.deepEqual(outside, [], 'cells outside the viewport');
    const scroll = await page.locator('.fleet .table-scroll').evaluate((e) => e.scrollWidth - e.clientWidth);
    assert.ok(scroll <= 0, `the fleet table scrolls sideways by ${scroll}px`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('the page fits a phone screen', async () => {
  try {
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.screenshot({ path: join(ARTIFACTS, `web-screenshot-phone-${width}.png`) });
      assert.ok(overflow <= 0, `${width} px: no sideways scrolling of the page (${overflow}px too wide); tables scroll in their box`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

let merged; // the merged reports as downloaded, dropped back in by a later test

test('downloads: the plan byte for byte as llmcap plan --json, and the merged reports', async () => {
  merged = await download('#download-reports', 'capability_reports_merged.json');
  const bundle = JSON.parse(merged.toString('utf8'));
  assert.equal(bundle.llmcap_bundle, 1);
  assert.deepEqual(bundle.reports.map((r) => r.hostname), [...(await fleetHosts())].sort());

  for (const strategy of ['balanced', 'seed']) {
    await page.check(`#strategy-${strategy}`);
    await page.waitForSelector(`#plan[data-strategy="${strategy}"]`);
    const bytes = await download('#download-plan', 'distributed_plan.json');
    writeFileSync(join(ARTIFACTS, `distributed_plan.${strategy}.json`), bytes);
    JSON.parse(bytes.toString('utf8'));
    if (!LLMCAP_BIN) continue;
    const onDisk = loaded.filter((f) => existsSync(f));
    const dropped = loaded.filter((f) => !existsSync(f));
    for (const name of dropped) {
      // Files dropped in the page exist only there; give the CLI the same bytes.
      const text = name === 'dropped-bad.json' ? '{"hostname": "x"' : readFileSync(join(EXAMPLES, 'capability_report_old-thinkpad.json'), 'utf8');
      writeFileSync(join(scratch, name), text);
      onDisk.push(join(scratch, name));
    }
    let cli;
    let stderr = '';
    try {
      const output = join(ARTIFACTS, `cli-plan.${strategy}.json`);
      cli = execFileSync(LLMCAP_BIN, ['plan', '--json', '--strategy', strategy, '-o', output, ...onDisk], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      cli = e.stdout; // bad files may make the CLI exit non-zero; the plan is still printed
      stderr = String(e.stderr ?? '');
    }
    assert.ok(cli && cli.length > 0, `${LLMCAP_BIN} plan --json printed no plan: ${stderr.slice(0, 500)}`);
    assert.ok(Buffer.compare(bytes, cli) === 0, `the page's ${strategy} plan differs from llmcap plan --json (see tests/artifacts/)`);

    // The Ansible inventory: the same bytes as `llmcap plan --export ansible`.
    const inventory = await download('#download-inventory', 'llmcap_inventory.yml');
    writeFileSync(join(ARTIFACTS, `llmcap_inventory.${strategy}.yml`), inventory);
    const cliInventory = join(ARTIFACTS, `cli-inventory.${strategy}.yml`);
    try {
      execFileSync(LLMCAP_BIN, ['plan', '--strategy', strategy, '-o', join(ARTIFACTS, 'cli-plan-for-inventory.json'),
        '--export', 'ansible', '--export-output', cliInventory, ...onDisk], { stdio: 'ignore' });
    } catch (e) {
      // bad files are reported on stderr; the export is still written
    }
    assert.ok(Buffer.compare(inventory, readFileSync(cliInventory)) === 0,
      `the page's ${strategy} Ansible inventory differs from llmcap plan --export ansible (see tests/artifacts/)`);
  }
});

test('the merged reports dropped back in give the same fleet, and the plan llmcap plan makes of them', async () => {
  const hosts = [...(await fleetHosts())].sort();
  await page.getByRole('button', { name: 'Remove all' }).click();
  await page.waitForSelector('.welcome');
  const name = 'capability_reports_merged.json';
  await dropFiles(page, [{ name, text: merged.toString('utf8') }]);
  await page.waitForSelector(`#plan[data-machines="${hosts.length}"]`);
  assert.deepEqual([...(await fleetHosts())].sort(), hosts);
  const width = String(hosts.length).length;
  await page.waitForSelector(`.file-list li[data-file="${name}#${'1'.padStart(width, '0')}"]`);
  await page.check('#strategy-balanced');
  await page.waitForSelector('#plan[data-strategy="balanced"]');
  const bytes = await download('#download-plan', 'distributed_plan.json');
  if (!LLMCAP_BIN) return;
  const onDisk = join(scratch, name);
  writeFileSync(onDisk, merged);
  const cli = execFileSync(LLMCAP_BIN, ['plan', '--json', '-o', join(scratch, 'merged-plan.json'), onDisk], { maxBuffer: 1 << 26 });
  assert.ok(Buffer.compare(bytes, cli) === 0, 'the page\'s plan of the merged reports differs from llmcap plan --json');

  // With workload sizes the page draws the timeline, and its plan is still the CLI's.
  await page.fill('#workload-configs', '1000');
  await page.fill('#workload-tokens', '20000');
  await page.fill('#workload-train', '2000000');
  await page.click('#workload-apply');
  await page.waitForFunction(() => / in all$/.test(document.querySelector('#timeline figcaption')?.textContent ?? ''));
  assert.match(await page.textContent('#timeline figcaption'), /Timeline: .+ in all/);
  assert.ok((await page.locator('td.duration').filter({ hasText: /\d/ }).count()) >= 2);
  const sized = await download('#download-plan', 'distributed_plan.json');
  writeFileSync(join(ARTIFACTS, 'distributed_plan.workload.json'), sized);
  const cliSized = execFileSync(LLMCAP_BIN, ['plan', '--json', '--e0-configs', '1000', '--tokens-per-config', '20000',
    '--train-tokens', '2000000', '-o', join(scratch, 'merged-plan-sized.json'), onDisk], { maxBuffer: 1 << 26 });
  writeFileSync(join(ARTIFACTS, 'cli-plan.workload.json'), cliSized);
  assert.ok(Buffer.compare(sized, cliSized) === 0, 'the page\'s plan with workload sizes differs from llmcap plan --json with the same options');
  for (const id of ['#workload-configs', '#workload-tokens', '#workload-train']) await page.fill(id, '');
  await page.click('#workload-apply');
  // Without sizes the timeline draws each machine's share of its phase.
  await page.waitForFunction(() => document.querySelector('#timeline figcaption')?.textContent.includes('durations unknown'));
  assert.match(await page.textContent('#timeline'), /% of E0/);
});

test('a bundle larger than a report is read whole; a large file that is no bundle is not read', async () => {
  await page.getByRole('button', { name: 'Remove all' }).click();
  await page.waitForSelector('.welcome');
  const base = JSON.parse(merged.toString('utf8')).reports[0];
  const count = Math.ceil((1024 * 1024) / JSON.stringify(base, null, 2).length) + 10;
  const reports = Array.from({ length: count }, (_, i) => ({ ...base, hostname: `node-${String(i).padStart(4, '0')}` }));
  const bundle = JSON.stringify({ llmcap_bundle: 1, reports }, null, 2);
  assert.ok(bundle.length > 1024 * 1024, `${bundle.length} bytes`);
  // Valid JSON naming the key, but past the start that is looked at: not read.
  const log = `{"pad": "${'x'.repeat(2 * 1024 * 1024)}", "llmcap_bundle": 1}`;
  await dropFiles(page, [{ name: 'fleet.json', text: bundle }, { name: 'log.json', text: log }]);
  await page.waitForSelector(`#plan[data-machines="${count}"]`);
  const text = await page.locator('.file-list li[data-file="log.json"] .error-text').innerText();
  assert.equal(text, `log.json: too large (${log.length} bytes); a report can be at most 1048576 bytes`);
});

test('a link from llmcap probe --link adds exactly that report, with the CLI\'s plan of it', { skip: !LLMCAP_BIN && 'needs LLMCAP_BIN' }, async () => {
  const dir = scratchDir('llmcap-link-');
  const url = execFileSync(LLMCAP_BIN, ['probe', '--skip-embedding', '--hostname', 'linked-box', '--link', '--page-url', `${BASE_URL}/index.html`, '-o', dir, '-q'],
    { stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8').trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#r=[A-Za-z0-9_-]+$/);
  const saved = join(dir, 'capability_report_linked-box.json');
  // A browser of its own: this one keeps the other tests' fleet in its storage.
  const other = await launch();
  const fresh = await other.newPage();
  try {
    await fresh.goto(url);
    await fresh.waitForSelector('#link-note');
    assert.match(await fresh.locator('#link-note').innerText(), /^Added from the link: linked-box \(1 report\)/);
    const hosts = await fresh.locator('#fleet-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.host));
    assert.deepEqual(hosts, ['linked-box']);
    const [dl] = await Promise.all([fresh.waitForEvent('download'), fresh.click('#download-plan')]);
    const path = join(ARTIFACTS, 'distributed_plan.link.json');
    await dl.saveAs(path);
    const cli = execFileSync(LLMCAP_BIN, ['plan', '--json', '-o', join(dir, 'plan.json'), saved], { stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(readFileSync(path, 'utf8'), cli.toString('utf8'), 'the page plans the linked report as llmcap plan plans the file');
    // A damaged link changes nothing and says why.
    await fresh.evaluate((u) => { location.hash = u.split('#')[1].slice(0, 40); }, url);
    await fresh.waitForFunction(() => document.querySelector('#link-note')?.innerText.startsWith('The link was not opened'));
    assert.equal(await fresh.locator('#fleet-table tbody tr').count(), 1);
  } finally {
    await other.close();
  }
});

test('no request beyond the page\'s own assets', async () => {
  const outside = requests.filter((url) => {
    if (url.startsWith(`blob:${ORIGIN}/`) || url.startsWith('data:')) return false;
    const u = new URL(url);
    return u.origin !== ORIGIN || !ASSETS.includes(u.pathname);
  });
  assert.deepEqual(outside, []);
  assert.deepEqual(problems, []);
});

test('the example fleet, and a screenshot', async () => {
  await page.getByRole('button', { name: 'Remove all' }).click();
  await page.waitForSelector('.welcome');
  await page.getByRole('button', { name: 'Load example fleet' }).click();
  await page.waitForSelector('#plan[data-machines="6"]');
  assert.deepEqual((await fleetHosts()).sort(), ['cloud-epyc', 'gpu-desktop', 'gpu-h200', 'lab-pi', 'mac-m2', 'old-thinkpad']);
  await page.locator('#fleet-table button.host', { hasText: 'mac-m2' }).click();
  await page.locator('#machine-detail').waitFor();
  assert.match(await page.locator('#machine-detail .install-line').first().innerText(), /mlx/);
  await page.screenshot({ path: join(ARTIFACTS, 'web-screenshot.png'), fullPage: true });
  // Closing the details puts the keyboard back on the machine's button.
  await page.getByRole('button', { name: 'Close the details of mac-m2' }).press('Enter');
  await page.waitForSelector('#machine-detail', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.host), 'mac-m2');
});

test('the fleet is kept in this browser: a reload brings back the same fleet and plan, Remove all forgets it', async () => {
  await page.waitForSelector('#plan[data-machines="6"]');
  const hosts = (await fleetHosts()).sort();
  const plan = await download('#download-plan', 'distributed_plan.json');
  assert.match(await page.locator('#privacy').innerText(), /local storage, on this device only/);
  await page.reload();
  await page.waitForSelector('#plan[data-machines="6"]');
  assert.deepEqual((await fleetHosts()).sort(), hosts);
  assert.equal((await download('#download-plan', 'distributed_plan.json')).toString('utf8'), plan.toString('utf8'), 'the same plan after a reload');
  await page.getByRole('button', { name: 'Remove all' }).click();
  await page.waitForSelector('.welcome');
  await page.reload();
  await page.waitForSelector('#load-heading');
  await page.waitForSelector('.welcome');
  assert.equal(await page.locator('#fleet-table').count(), 0, 'nothing comes back after Remove all');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});

const AXE = readFileSync(join(ROOT, 'tests/browser/node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function seriousViolations(where) {
  await page.evaluate(AXE); // by the DevTools protocol, which the page's CSP does not govern
  const found = await page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found.map((line) => `${where}: ${line}`);
}

test('axe-core finds no serious or critical violation: empty, with the example fleet, with a machine open', async () => {
  await page.waitForSelector('.welcome');
  const found = await seriousViolations('empty page');
  await page.getByRole('button', { name: 'Load example fleet' }).click();
  await page.waitForSelector('#plan[data-machines="6"]');
  found.push(...(await seriousViolations('example fleet')));
  await page.locator('#fleet-table button.host', { hasText: 'gpu-h200' }).click();
  await page.locator('#machine-detail').waitFor();
  found.push(...(await seriousViolations('a machine open')));
  assert.deepEqual(found, []);
});

test('a large drop counts the files it has parsed, then shows the plan', async () => {
  const other = await launch();
  const fresh = await other.newPage();
  try {
    await fresh.goto(`${BASE_URL}/index.html`);
    await fresh.waitForSelector('#drop-zone');
    const template = readFileSync(join(EXAMPLES, 'capability_report_old-thinkpad.json'), 'utf8');
    const seen = fresh.waitForFunction(() => /^Parsing \d+ of 1500 files/.test(document.querySelector('#parse-progress')?.innerText ?? ''));
    await fresh.evaluate((template) => {
      const transfer = new DataTransfer();
      for (let i = 0; i < 1500; i++) {
        const r = JSON.parse(template);
        r.hostname = `drop-${String(i).padStart(4, '0')}`;
        transfer.items.add(new File([JSON.stringify(r)], `capability_report_${r.hostname}.json`, { type: 'application/json' }));
      }
      document.querySelector('#drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, template);
    await seen;
    await fresh.waitForSelector('#plan[data-machines="1500"]');
    assert.equal(await fresh.locator('#parse-progress').count(), 0, 'the count goes once the plan is shown');
  } finally {
    await other.close();
  }
});
