// Drives arbor's web UI in headless Chromium (playwright-core from tests/js, Debian's
// chromium binary). Run by web_ui_e2e.sh, which makes the catalog and starts the server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.ARBOR_JS_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOTS;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const failures = [];

async function newPage(width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  // Any alert() from an injected name, and any page error, fails the run.
  page.on('dialog', async (d) => {
    failures.push(`a dialog fired: ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console error: ${m.text()}`);
  });
  return page;
}

async function signIn(page, token) {
  await page.goto(`${base}/ui/`);
  assert.match(page.url(), /\/ui\/login$/, 'an anonymous visit goes to the sign-in page');
  await page.fill('#token', token);
  await page.click('#sign-in');
  await page.waitForURL(`${base}/ui/`);
}

// The tenants of the dashboard's rows, in order, each once.
async function dashboardTenants(page) {
  const rows = await page.$$eval('tr.share-row', (r) => r.map((e) => e.dataset.tenant));
  return [...new Set(rows)];
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// The tenant sees its tenant only.
{
  const page = await newPage();
  await page.goto(`${base}/ui/login`);
  await shot(page, '01-login');
  await page.fill('#token', 'arbor_' + '0'.repeat(64));
  await page.click('#sign-in');
  assert.match(await page.textContent('.error'), /not valid/);
  await signIn(page, process.env.TENANT_TOKEN);
  assert.deepEqual(await dashboardTenants(page), ['acme']);
  assert.equal(await page.textContent('#who'), 'acme');
  await shot(page, '02-tenant-dashboard');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'arbor_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.ok(session.expires > Date.now() / 1000, 'the session cookie expires');
  const csp = (await page.request.get(`${base}/ui/`)).headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  // Another tenant's share page is 404, as if it did not exist.
  const other = await page.request.get(`${base}/ui/shares/${process.env.OTHER_TENANT_SHARE}`);
  assert.equal(other.status(), 404);
  assert.doesNotMatch(await other.text(), /globex/);
  await page.click('#sign-out');
  await page.waitForURL(`${base}/ui/login`);
  await page.goto(`${base}/ui/`);
  assert.match(page.url(), /\/ui\/login$/, 'signed out: the dashboard asks to sign in again');
  await page.context().close();
}

// The operator sees every tenant, browses three levels down, downloads a file.
{
  const page = await newPage();
  await signIn(page, process.env.OPERATOR_TOKEN);
  assert.deepEqual(await dashboardTenants(page), ['acme', 'globex']);
  await shot(page, '03-operator-dashboard');
  // Stored vs logical bytes and the dedup ratio, from the snapshot records.
  const acmeRow = await page.$$eval('tr[data-tenant="acme"] td', (t) => t.map((e) => e.textContent));
  assert.match(acmeRow[5], /MiB/, `logical: ${acmeRow}`);
  assert.match(acmeRow[6], /iB/, `stored: ${acmeRow}`);
  assert.match(acmeRow[7], /^[0-9.]+\u00d7$/, `dedup: ${acmeRow}`);
  // Sorted by bytes: acme's 2 MiB share before globex's few bytes; by tenant again after.
  await page.click('a.sort[data-sort="bytes"]');
  await page.waitForURL(/sort=bytes/);
  assert.deepEqual(await dashboardTenants(page), ['acme', 'globex']);
  assert.equal(await page.getAttribute('a.sort.active', 'data-sort'), 'bytes');
  // The active header again turns the order round: the smallest first, its arrow up.
  await page.click('a.sort.active');
  await page.waitForURL(/sort=-bytes/);
  assert.deepEqual(await dashboardTenants(page), ['globex', 'acme']);
  assert.equal(await page.getAttribute('a.sort.active.reversed', 'data-sort'), 'bytes');
  await shot(page, '03a-dashboard-reversed');
  await page.click('a.sort.active');
  await page.waitForURL(/sort=bytes/);
  assert.deepEqual(await dashboardTenants(page), ['acme', 'globex']);
  // Filtered to the failing ones: no backup failed here.
  await page.click('#failing-filter');
  await page.waitForURL(/failing=1/);
  assert.deepEqual(await dashboardTenants(page), []);
  assert.match(await page.textContent('#shares tbody'), /No shares/);
  await shot(page, '03b-dashboard-failing-only');
  // Pages of one share: the second page holds the other tenant's, and is the last.
  await page.goto(`${base}/ui/?page_size=1`);
  assert.deepEqual(await dashboardTenants(page), ['acme']);
  await page.click('#next-page');
  await page.waitForURL(/page_token=/);
  assert.deepEqual(await dashboardTenants(page), ['globex']);
  assert.equal(await page.$('#next-page'), null, 'the last page links to no next one');
  await page.goto(`${base}/ui/`);

  await page.click('tr[data-tenant="acme"] a >> text=data');
  await page.waitForSelector('#snapshots');
  await shot(page, '04-share');
  assert.equal(await page.$$eval('#chart-growth rect.bar', (r) => r.length), 1, 'one snapshot, one bar');
  // The snapshot's size and file count from the stats its backup job recorded.
  assert.match(await page.textContent('#snapshots tbody'), /MiB/);

  // Schedules on the share page: add one (htmx swaps the section in place), see it listed;
  // pause and resume it; a bad interval is refused with the field named and adds nothing;
  // remove it again.
  assert.match(await page.textContent('#schedule-list tbody'), /No schedules/);
  await page.selectOption('#add-schedule select[name=type]', 'verify');
  await page.fill('#add-schedule input[name=every]', '12h');
  await page.click('#add-schedule button[type=submit]');
  await page.waitForSelector('#schedule-list td >> text=verify');
  assert.match(await page.textContent('#schedule-list tbody'), /verify\s*12h/);
  await shot(page, '04c-share-schedule-added');
  const listed = await page.request.get(`${base}/api/v1/schedules?share_id=${process.env.ACME_SHARE}`, {
    headers: { Authorization: `Bearer ${process.env.OPERATOR_TOKEN}` },
  });
  assert.deepEqual((await listed.json()).items.map((x) => [x.type, x.every]), [['verify', '12h']]);
  // Pause and resume it: the state cell and the API follow.
  await page.click('#schedule-list button.pause-schedule');
  await page.waitForSelector('#schedule-list td.schedule-state >> text=paused');
  await shot(page, '04d-share-schedule-paused');
  const pausedList = await page.request.get(`${base}/api/v1/schedules?share_id=${process.env.ACME_SHARE}`, {
    headers: { Authorization: `Bearer ${process.env.OPERATOR_TOKEN}` },
  });
  assert.equal((await pausedList.json()).items[0].enabled, false);
  await page.click('#schedule-list button.resume-schedule');
  await page.waitForSelector('#schedule-list td.schedule-state >> text=active');
  await page.fill('#add-schedule input[name=every]', 'soon');
  await page.click('#add-schedule button[type=submit]');
  await page.waitForSelector('#schedule-error');
  assert.match(await page.textContent('#schedule-error'), /^every: /);
  assert.equal(await page.$$eval('#schedule-list button.remove-schedule', (b) => b.length), 1);
  // Without the session's CSRF token the form is refused.
  const forgedSchedule = await page.request.post(`${base}/ui/shares/${process.env.ACME_SHARE}/schedules`, {
    form: { csrf: 'forged', type: 'backup', every: '1h' },
  });
  assert.equal(forgedSchedule.status(), 403);
  await page.click('#schedule-list button.remove-schedule');
  await page.waitForSelector('#schedule-list td >> text=No schedules');
  // A cron expression instead of an interval.
  await page.fill('#add-schedule input[name=cron]', '0 2 * * mon-fri');
  await page.click('#add-schedule button[type=submit]');
  await page.waitForSelector('#schedule-list td.schedule-when >> text=cron 0 2 * * mon-fri');
  await shot(page, '04e-share-schedule-cron');
  await page.click('#schedule-list button.remove-schedule');
  await page.waitForSelector('#schedule-list td >> text=No schedules');
  await page.click('a.snapshot-link');
  await page.waitForSelector('#entries');
  await shot(page, '05-snapshot-root');
  await page.click('a.dir >> text=projects/');
  await page.waitForSelector('#breadcrumbs >> text=projects');

  // The XSS names: shown as text, nothing executed (the dialog handler would record it).
  const projects = page.url();
  const files = await page.$$eval('#entries a.file', (a) => a.map((e) => e.textContent));
  assert.ok(files.includes('"><img src=x onerror=alert(1)>'), `files: ${files}`);
  const dirs = await page.$$eval('#entries a.dir', (a) => a.map((e) => e.textContent));
  assert.ok(dirs.includes('<script>alert(1)</'), `dirs: ${dirs}`);
  assert.equal(await page.$$eval('#entries img', (i) => i.length), 0, 'no <img> element came from a name');
  await shot(page, '06-xss-names');
  // The folder's sizes as SVG drawn by the server (loaded by htmx): the names are text.
  await page.waitForSelector('#chart-du rect.bar');
  const labels = await page.$$eval('#chart-du rect.bar', (r) => r.map((e) => e.dataset.label));
  assert.ok(labels.includes('<script>alert(1)</'), `labels: ${labels}`);
  assert.ok(labels.includes('"><img src=x onerror=alert(1)>'), `labels: ${labels}`);
  assert.equal(await page.$$eval('#analytics script, #analytics img', (n) => n.length), 0);
  const tiles = await page.$$eval('#treemap rect.tile', (r) => r.map((e) => e.dataset.label));
  assert.ok(tiles.includes('<script>alert(1)</'), `tiles: ${tiles}`);
  assert.ok(tiles.includes('"><img src=x onerror=alert(1)>'), `tiles: ${tiles}`);
  await page.click('a.file >> text=onerror');
  await page.waitForSelector('#file-name');
  assert.equal(await page.textContent('#file-name'), '"><img src=x onerror=alert(1)>');
  assert.equal(await page.$$eval('main img', (i) => i.length), 0);
  await page.goto(projects);
  await page.click('a.dir >> text=<script>');
  await page.click('a.file >> text=script>');
  await page.waitForSelector('#file-name');
  assert.equal(await page.textContent('#file-name'), 'script>');
  assert.ok((await page.textContent('dl.facts')).includes('/projects/<script>alert(1)</script>'));
  assert.equal(await page.$$eval('main script', (s) => s.length), 0, 'no <script> element came from a path');
  await shot(page, '06b-xss-script-path');
  await page.goto(projects);

  // Down one level through the treemap's tile of 2026/, one through the listing.
  await page.waitForSelector('#treemap rect.tile');
  await page.click('#treemap a:has(rect[data-label="2026/"])');
  await page.waitForSelector('#breadcrumbs >> text=2026');
  await page.click('a.dir >> text=reports/');
  await page.waitForSelector('#breadcrumbs >> text=reports');
  const crumbs = await page.$$eval('#breadcrumbs a', (a) => a.map((e) => e.textContent));
  assert.deepEqual(crumbs.slice(-3), ['projects', '2026', 'reports']);
  await shot(page, '07-three-levels-down');
  const reports = page.url();
  // du of reports: big.bin (2 MiB) has the widest bar, q4.txt a sliver.
  await page.waitForSelector('#chart-du rect.bar');
  const bars = await page.$$eval('#chart-du rect.bar', (r) =>
    r.map((e) => [e.dataset.label, Number(e.getAttribute('width'))]),
  );
  assert.deepEqual(bars.map((b) => b[0]), ['big.bin', 'q4.txt']);
  assert.ok(bars[0][1] > 100 * bars[1][1], `widths: ${bars}`);
  assert.match(await page.textContent('#chart-extensions'), /\.bin/);
  // The treemap beside the bars: areas as the bytes (2 MiB against 18 bytes).
  const tileAreas = await page.$$eval('#treemap rect.tile', (r) =>
    r.map((e) => [e.dataset.label, Number(e.getAttribute('width')) * Number(e.getAttribute('height'))]),
  );
  assert.deepEqual(tileAreas.map((t) => t[0]), ['big.bin', 'q4.txt']);
  assert.ok(tileAreas[0][1] > 1000 * tileAreas[1][1], `areas: ${tileAreas}`);
  await shot(page, '07b-analytics');
  // The folder as a tar stream: tar -x gives back big.bin byte for byte.
  const [tarball] = await Promise.all([page.waitForEvent('download'), page.click('#download-tar')]);
  assert.equal(tarball.suggestedFilename(), 'reports.tar');
  const untarred = mkdtempSync(path.join(os.tmpdir(), 'arbor-e2e-tar-'));
  execFileSync('tar', ['-xf', await tarball.path(), '-C', untarred]);
  const fromTar = readFileSync(path.join(untarred, 'reports', 'big.bin'));
  assert.equal(createHash('sha256').update(fromTar).digest('hex'), process.env.EXPECTED_SHA256);

  await page.click('a.file >> text=big.bin');
  await page.waitForSelector('#file-name');
  assert.equal(await page.textContent('#file-name'), 'big.bin');
  await shot(page, '08-file-details');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.length, 2097152);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), process.env.EXPECTED_SHA256);

  // Jobs: start a backup from the share page and watch htmx poll it to the end... as far
  // as a queue without a worker goes: it stays queued; the page polls and can cancel it.
  await page.goto(`${base}/ui/`);
  await page.click('tr[data-tenant="acme"] a >> text=data');
  await page.click('#back-up-now');
  await page.waitForSelector('#job-state');
  assert.equal(await page.textContent('#job-state'), 'queued');
  const polled = await page.waitForResponse((r) => r.url().endsWith('/progress'), { timeout: 5000 });
  assert.equal(polled.status(), 200);
  await shot(page, '09-job');
  await page.click('#cancel-job');
  await page.waitForSelector('#job-state >> text=cancelled');
  await shot(page, '10-job-cancelled');

  // A form posted without the session's CSRF token is refused.
  const forged = await page.request.post(`${base}/ui/logout`, { form: { csrf: 'forged' } });
  assert.equal(forged.status(), 403);

  // Restore the folder three levels down from the browser into a folder of its share. A
  // worker started only now (so that the backup above stayed queued) runs the job while
  // the job page polls it to "succeeded"; then the files are compared on disk.
  const acmeDir = process.env.ACME_DIR;
  await page.goto(reports);
  await page.click('#restore summary');
  await shot(page, '12-restore-form');
  assert.equal(await page.inputValue('#restore-share'), process.env.ACME_SHARE);
  await page.fill('#restore-folder', 'restored-by-ui');
  await page.click('#restore-submit');
  await page.waitForSelector('#job-state');
  assert.match(page.url(), /\/ui\/jobs\/[0-9]+$/);
  assert.equal(await page.textContent('#restore-target'), `${acmeDir}/restored-by-ui`);
  assert.equal(await page.textContent('#restore-what'), `${acmeDir}/projects/2026/reports`);
  const worker = spawn(process.env.ARBOR, ['-q', 'worker', '--exit-when-idle'], { stdio: 'inherit' });
  await page.waitForSelector('#job-state >> text=succeeded', { timeout: 60000 });
  await shot(page, '13-restore-succeeded');
  if (worker.exitCode === null) await new Promise((resolve) => worker.on('exit', resolve));
  assert.equal(worker.exitCode, 0, 'the worker exits 0 when idle');
  const restored = path.join(acmeDir, 'restored-by-ui', acmeDir, 'projects', '2026', 'reports');
  const restoredBig = readFileSync(path.join(restored, 'big.bin'));
  assert.equal(createHash('sha256').update(restoredBig).digest('hex'), process.env.EXPECTED_SHA256);
  assert.equal(readFileSync(path.join(restored, 'q4.txt'), 'utf8'), 'quarterly numbers\n');
  // Its CSRF token is checked as every form's.
  const forgedRestore = await page.request.post(`${reports.split('?')[0]}/restore`, {
    form: { csrf: 'forged', path: '/', folder: 'x' },
  });
  assert.equal(forgedRestore.status(), 403);

  // "Restore this folder back where it was": q4.txt edited and a file added after the
  // backup; the in-place form (behind its confirmation box) puts q4.txt back and deletes
  // nothing. Without the box ticked the server refuses it too.
  const reportsDir = path.join(acmeDir, 'projects', '2026', 'reports');
  writeFileSync(path.join(reportsDir, 'q4.txt'), 'edited after the backup\n');
  writeFileSync(path.join(reportsDir, 'notes.txt'), 'made after the backup\n');
  const unconfirmed = await page.request.post(`${reports.split('?')[0]}/restore`, {
    form: { csrf: await page.inputValue('form[action="/ui/logout"] input[name=csrf]'), path: reportsDir, in_place: '1' },
  });
  assert.equal(unconfirmed.status(), 400, 'no in-place restore without the confirmation');
  await page.goto(reports);
  await page.click('#restore summary');
  await page.selectOption('#in-place-overwrite', 'if-changed');
  await page.check('#in-place-confirm');
  await shot(page, '12b-restore-in-place-form');
  await page.click('#restore-in-place');
  await page.waitForSelector('#job-state');
  assert.equal(await page.textContent('#restore-what'), reportsDir);
  assert.match(await page.textContent('#restore-target'), /in place/);
  const inPlaceWorker = spawn(process.env.ARBOR, ['-q', 'worker', '--exit-when-idle'], { stdio: 'inherit' });
  await page.waitForSelector('#job-state >> text=succeeded', { timeout: 60000 });
  await shot(page, '13b-restore-in-place-succeeded');
  if (inPlaceWorker.exitCode === null) await new Promise((resolve) => inPlaceWorker.on('exit', resolve));
  assert.equal(readFileSync(path.join(reportsDir, 'q4.txt'), 'utf8'), 'quarterly numbers\n');
  assert.equal(readFileSync(path.join(reportsDir, 'notes.txt'), 'utf8'), 'made after the backup\n');

  // Changes between two snapshots: a second backup after the restore above (which added
  // restored-by-ui/) and a new file with an XSS name; "Compare with" on the newest
  // snapshot's page preselects the one before it.
  writeFileSync(path.join(acmeDir, 'projects', '"><img src=x onerror=alert(2)>.new'), 'new file\n');
  execFileSync(process.env.ARBOR, ['-q', 'job', 'submit', 'backup', '--share', 'data', '--tenant', 'acme', '--run']);
  await page.goto(`${base}/ui/shares/${process.env.ACME_SHARE}`);
  await page.click('a.snapshot-link >> nth=0');
  await page.waitForSelector('#compare-form');
  await shot(page, '14-compare-with');
  await page.click('#compare-submit');
  await page.waitForSelector('#changes');
  // The totals walk the whole change: htmx loads them after the list.
  await page.waitForSelector('#change-counts');
  await shot(page, '15-changes');
  assert.match(await page.textContent('#change-counts'), /^\d+ \(.*\) added, 0 \(0 B in 0 files\) removed, /);
  const changed = await page.$$eval('#changes tbody tr', (r) =>
    r.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)),
  );
  const added = changed.filter((r) => r[0] === 'added').map((r) => r[2]);
  assert.ok(added.includes(`${acmeDir}/projects/"><img src=x onerror=alert(2)>.new`), `added: ${added}`);
  assert.ok(added.includes(`${acmeDir}/restored-by-ui`), `added: ${added}`);
  assert.ok(added.includes(path.join(acmeDir, 'restored-by-ui', acmeDir, 'projects', '2026', 'reports', 'big.bin')));
  assert.equal(await page.$$eval('main img, main script', (n) => n.length), 0, 'no element came from a name');
  const changeBars = await page.$$eval('#chart-changes rect.bar', (r) =>
    r.map((e) => [e.dataset.label, Number(e.getAttribute('width'))]),
  );
  assert.deepEqual(changeBars.map((b) => b[0]), ['added', 'removed', 'modified']);
  assert.ok(changeBars[0][1] > 0 && changeBars[1][1] === 0, `bars: ${changeBars}`);

  // The newest snapshot holds the restored copies of big.bin and q4.txt: the analytics
  // show them as identical files, the larger waste first.
  await page.click('#changes-snapshot');
  await page.waitForSelector('#chart-duplicates rect.bar');
  await shot(page, '16-duplicates');
  const dupBars = await page.$$eval('#chart-duplicates rect.bar', (r) => r.map((e) => e.dataset.label));
  assert.deepEqual(dupBars, ['big.bin \u00d72', 'q4.txt \u00d72']);
  // Below a folder only the copies inside it count: projects/ holds one copy of each.
  const analytics = `${base}${new URL(page.url()).pathname}/analytics?path=`;
  const belowProjects = await page.request.get(analytics + encodeURIComponent(`${acmeDir}/projects`));
  assert.equal(belowProjects.status(), 200);
  assert.match(await belowProjects.text(), /0 groups, 0 B in extra copies/);
  const belowShare = await page.request.get(analytics + encodeURIComponent(acmeDir));
  assert.match(await belowShare.text(), /2 groups, /);

  // Phone width: the dashboard still renders.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${base}/ui/`);
  await shot(page, '11-dashboard-phone');
  await page.context().close();
}

await browser.close();
assert.deepEqual(failures, [], failures.join('\n'));
console.log('web_ui_e2e.mjs: all checks passed');
