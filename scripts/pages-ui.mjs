// Drives the web pages in headless Chromium twice: once with JavaScript on
// ("js"), once with it off ("nojs"). First as a member of an organisation:
// sign in (first with no password), open an action that the organisation
// leads, report progress (first without the commentary an amber rating
// needs), add a milestone and move it (first without a reason), write a
// pledge, sign out. Then as the chair: the dashboard (its charts and tables
// must agree), the dashboard for a closed period, an exception and a
// challenge on it, a reporting period added and closed from its
// confirmation page, the trend, and the board report downloaded as HTML and
// printed by Chromium to a tagged A4 PDF in which no table row may be cut
// across pages (scripts/lib/pdf_rows.py reads the PDF's structure). Then as
// an administrator, who creates a board member's account, whose first
// sign-in asks for a new password, registers a webhook (first with an
// address that is not https) and disables it, and opens the failed work. Then a member of the young people's
// council (No Labels) raises a priority for the board (first without saying
// why it matters), and the chair finds it waiting on the dashboard and
// accepts it (first without the date it will be done by), naming the partner
// and an action of the plan. A board member writes an achievement (a
// second voice added without a script; first with a telephone number in
// it) and the chair approves it. Then the member chooses which emails they
// receive on the account's email page, and the unsubscribe link of a
// message queued by the chair's challenge (read from the database) shows
// its button and stops that kind; a forged link is refused. And a missing
// page. On every page
// visited: axe-core's WCAG 2.2 A and AA rules find nothing, nothing scrolls
// sideways at 320 CSS px wide, and a full-page screenshot is saved (at 1024
// px wide). Every request must stay on the service's own origin, none may
// answer 404 (bar /no-such-page, the forged unsubscribe link and the
// favicon), and the console must show
// no error (a Content Security Policy violation is one; a form's 422 with
// its errors is not).
//
// axe is evaluated in the page through the DevTools protocol rather than
// added as a <script> element: the pages' policy (script-src 'self') blocks
// an inline script, and turning the policy off (bypassCSP) would hide the
// very violations this check looks for. With JavaScript off a page runs no
// script and no timer, so for the audit alone script execution is turned
// back on (the page's own scripts were skipped when it loaded and stay so).
//
// Run by scripts/check-pages, which starts the service and sets:
//   BASE_URL             e.g. http://127.0.0.1:18082
//   DEMO_EMAIL, DEMO_PASSWORD   the member who signs in (and the password
//                        of every demo account)
//   CHAIR_EMAIL          the chair (default chair@example.org)
//   COUNCIL_EMAIL        a member of the young people's council (default
//                        nolabels@example.org)
//   PDF_PYTHON           a Python with pikepdf, for scripts/lib/pdf_rows.py
//   PLAYWRIGHT_CORE_DIR  the playwright-core package directory (in .tools/)
//   AXE_CORE_JS          axe-core's axe.min.js (in .tools/)
//   OUT_DIR              where screenshots and axe.json go (OUT_DIR/<run>/)
//   CHROMIUM             default /usr/bin/chromium
//   SERVICE_DATABASE_URL the service's database, read with psql for the
//                        unsubscribe link of a queued message
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { env, service } from './lib/env.mjs';
import { mkdtempSync, rmSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { BASE_URL, ORIGIN } = service();
const EMAIL = env('DEMO_EMAIL');
const PASSWORD = env('DEMO_PASSWORD');
const OUT_DIR = env('OUT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const CHAIR_EMAIL = env('CHAIR_EMAIL', 'chair@example.org');
const ADMIN_EMAIL = env('ADMIN_EMAIL', 'admin@example.org');
const COUNCIL_EMAIL = env('COUNCIL_EMAIL', 'nolabels@example.org');
const PDF_PYTHON = env('PDF_PYTHON', 'python3');
const PDF_ROWS = new URL('./lib/pdf_rows.py', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(env('AXE_CORE_JS'), 'utf8');
const { chromium } = createRequire(import.meta.url)(env('PLAYWRIGHT_CORE_DIR'));

const STEP_TIMEOUT = 20_000;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const NARROW = { width: 320, height: 800 };
const NORMAL = { width: 1024, height: 800 };
// 404s the journey asks for on purpose, or that the browser asks for itself.
const FORGED_UNSUBSCRIBE = '/unsubscribe/not-a-token';
const EXPECTED_404 = new Set(['/no-such-page', '/favicon.ico', FORGED_UNSUBSCRIBE]);
const SERVICE_DATABASE_URL = env('SERVICE_DATABASE_URL');

const COMMENTARY = 'Training delayed by staff shortages; remaining sessions booked for March.';
const PROGRESS = 'Two of four sessions delivered.';
const REASON = 'Awaiting national guidance.';
const MILESTONE = 'Brief the new custody sergeants';
const PLEDGE = 'We will train every custody officer in trauma-informed practice by March.';
const SAID = 'Getting to college costs too much when you live in a village. Some of us miss lessons.';
const WHY = 'Missing college means missing the chance of a job.';
const ANSWER = 'Thank you. We agree, and we will act on this.';
const RESPONSE = 'The county council will pay for a bus pass for every young person in care at college.';
const ACHIEVED = 'Police and colleges run a safe travel scheme for students in care.';
const MEANT = 'Young people travel home from college without fear.';
const QUOTE = 'I feel safe getting the bus home now.';
const STORY = 'She says the officers talk to her like a person.';

const failures = [];
let prefix = '';
const fail = (message) => {
  failures.push(`${prefix}${message}`);
  console.log(`  FAIL ${prefix}${message}`);
};
const ok = (message) => console.log(`  ok   ${prefix}${message}`);
class Abort extends Error {}

const RUNS = [
  { name: 'js', javaScriptEnabled: true, title: 'JavaScript on' },
  { name: 'nojs', javaScriptEnabled: false, title: 'JavaScript off' },
];

async function main() {
  let violations = 0;
  for (const run of RUNS) {
    prefix = `[${run.name}] `;
    console.log(`\njourney with ${run.title} (${run.name})`);
    violations += await journey(run);
  }
  prefix = '';
  console.log(`\naxe: ${violations} violation(s) in all (${AXE_TAGS.join(', ')}); results in ${OUT_DIR}/<run>/axe.json`);
  if (failures.length) {
    console.log(`\npages UI: ${failures.length} failure(s)`);
    process.exitCode = 1;
  } else {
    console.log('\npages UI: passed');
  }
}

// One browser, one journey; returns the number of axe violations found.
async function journey(run) {
  const started = Date.now();
  const dir = join(OUT_DIR, run.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const userDataDir = mkdtempSync(join(tmpdir(), `dpt-pages-ui-${run.name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: NORMAL,
    javaScriptEnabled: run.javaScriptEnabled,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT);
  // With JavaScript off the audit turns script execution on and off again
  // through its own session; that session must first say "off" itself, or
  // its first "on" changes nothing.
  let cdp = null;
  if (!run.javaScriptEnabled) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  }

  // Only the service itself may be asked for anything: anything else is
  // recorded and refused, so no request ever leaves the machine.
  const foreign = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === ORIGIN) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const audit = { page, context, run, dir, cdp, number: 0, results: {}, violations: 0 };
  // Where the browser was when something went wrong.
  const at = () => `at ${new URL(page.url(), BASE_URL).pathname}`;
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(`${at()}: ${error.message}`));
  const failedRequests = [];
  page.on('requestfailed', (request) => {
    // A download ends its navigation: Chromium reports it as aborted.
    const download = new URL(request.url()).pathname === '/reports/download' && request.failure()?.errorText === 'net::ERR_ABORTED';
    if (new URL(request.url()).origin === ORIGIN && !download) {
      failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  const badResponses = [];
  // A form sent back with its errors answers 422, which Chromium also logs
  // as an error in the console: that one is expected.
  const formErrors = new Set();
  page.on('response', (response) => {
    const status = response.status();
    const path = new URL(response.url()).pathname;
    const request = response.request();
    if (status === 422 && request.method() === 'POST' && request.resourceType() === 'document') formErrors.add(response.url());
    if ((status === 404 && !EXPECTED_404.has(path)) || status >= 500) {
      badResponses.push(`${response.request().method()} ${response.url()} answered ${status} (${at()})`);
    }
  });
  const consoleLog = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleLog.push({ text: message.text(), url: message.location()?.url ?? '', at: at() });
  });

  try {
    await steps(audit);
  } catch (error) {
    if (!(error instanceof Abort)) fail(`unexpected error: ${error.message.split('\n')[0]}`);
    await failureScreenshot(audit, 'journey');
  } finally {
    writeFileSync(join(dir, 'axe.json'), `${JSON.stringify(audit.results, null, 2)}\n`);
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }

  const offOrigin = requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== ORIGIN);
  const outside = [...new Set([...foreign, ...offOrigin])];
  if (outside.length) fail(`requests left ${ORIGIN}:\n      ${outside.join('\n      ')}`);
  else ok(`all ${requests.length} requests went to ${ORIGIN}`);
  if (failedRequests.length) fail(`requests to the service failed:\n      ${failedRequests.join('\n      ')}`);
  if (badResponses.length) fail(`unexpected answers:\n      ${badResponses.join('\n      ')}`);
  else ok('no request answered 404 (bar /no-such-page and the favicon) or 5xx');
  // Sorted out at the end: the answers they may stand for are all in by then.
  const consoleErrors = consoleLog
    .filter(({ text, url }) => {
      let path = '';
      try {
        path = new URL(url).pathname;
      } catch {}
      if (/status of 404\b/.test(text) && EXPECTED_404.has(path)) return false;
      return !(/status of 422\b/.test(text) && formErrors.has(url));
    })
    .map(({ text, url, at }) => `${at}: ${text}${url ? ` (${url})` : ''}`);
  if (consoleErrors.length) fail(`errors in the console:\n      ${consoleErrors.join('\n      ')}`);
  else ok('no error in the console (so no Content Security Policy violation)');
  if (pageErrors.length) fail(`JavaScript errors on the page:\n      ${pageErrors.join('\n      ')}`);
  console.log(
    `  ${run.name}: ${audit.number} pages checked, ${audit.violations} axe violation(s), ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; screenshots and axe.json in ${dir}`,
  );
  return audit.violations;
}

async function failureScreenshot({ page, dir }, label) {
  try {
    const file = join(dir, `failed-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`       screenshot of the page at the failure: ${file}`);
  } catch {}
}

async function step(description, action) {
  const started = Date.now();
  try {
    const result = await action();
    ok(`${description} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    fail(`${description}: ${error.message.split('\n')[0]}`);
    throw new Abort();
  }
}

// What every page visited gets: axe, the 320 px reflow check, a screenshot.
// A finding is a failure but does not stop the journey.
async function checkPage(audit, name) {
  const { page, dir } = audit;
  audit.number += 1;

  const result = await axe(audit);
  audit.results[name] = result.violations;
  audit.violations += result.violations.length;
  if (result.violations.length) {
    const lines = result.violations.flatMap((v) => [
      `${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`,
      ...v.nodes.map((n) => `  ${n.target.join(' ')}`),
    ]);
    fail(`${name}: axe found ${result.violations.length} violation(s) on ${page.url()}:\n      ${lines.join('\n      ')}`);
  } else {
    ok(`${name}: axe finds no violation (${result.passes} rules pass)`);
  }

  await page.setViewportSize(NARROW);
  const reflow = await page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth <= width) return { fits: true, scrollWidth: root.scrollWidth, width };
    // Whatever reaches furthest right, unless a box that scrolls or clips
    // on its own holds it (that box scrolls, not the page).
    const clipped = (el) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const describe = (el) => {
      const parts = [];
      for (let at = el; at && at !== document.body && parts.length < 4; at = at.parentElement) {
        let part = at.tagName.toLowerCase();
        if (at.id) part += `#${at.id}`;
        else if (at.classList.length) part += `.${[...at.classList].join('.')}`;
        parts.unshift(part);
        if (at.id) break;
      }
      return parts.join(' > ');
    };
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.right <= width + 0.5 || clipped(el)) continue;
      if (!widest || rect.right > widest.right) widest = { el, right: rect.right, width: rect.width };
    }
    return {
      fits: false,
      scrollWidth: root.scrollWidth,
      width,
      widest: widest && {
        selector: describe(widest.el),
        right: Math.round(widest.right),
        width: Math.round(widest.width),
        text: (widest.el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60),
      },
    };
  });
  await page.setViewportSize(NORMAL);
  if (reflow.fits) {
    ok(`${name}: no horizontal scroll at ${NARROW.width} px wide`);
  } else {
    const w = reflow.widest;
    fail(
      `${name}: scrolls sideways at ${NARROW.width} px wide (scrollWidth ${reflow.scrollWidth} > clientWidth ${reflow.width})` +
        (w ? `; widest: ${w.selector} (right edge at ${w.right} px, ${w.width} px wide, "${w.text}")` : ''),
    );
  }

  const file = join(dir, `${String(audit.number).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
  } catch (error) {
    fail(`${name}: could not save the screenshot: ${error.message.split('\n')[0]}`);
  }
}

async function axe({ page, cdp }) {
  if (cdp) await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
  try {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
    return await page.evaluate(async (tags) => {
      const results = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return {
        passes: results.passes.length,
        violations: results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          tags: v.tags,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
        })),
      };
    }, AXE_TAGS);
  } finally {
    if (cdp) await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  }
}

const path = (page) => new URL(page.url()).pathname;
const expectPath = (page, want) => {
  if (path(page) !== want) throw new Error(`the browser is at ${page.url()}, not ${want}`);
};
const h1 = (page) => page.locator('main h1');
const errorSummary = (page) => page.locator('.govuk-error-summary');
const successBanner = (page) => page.locator('.govuk-notification-banner--success');

async function expectText(locator, text, what) {
  await locator.first().waitFor();
  const shown = (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
  const wanted = text instanceof RegExp ? text : new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!wanted.test(shown)) throw new Error(`${what} says "${shown.slice(0, 200)}", not ${wanted}`);
}

// A form's submit, then wait for the page it leads to.
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// "31 March 2025" to a date (UTC), or null.
function parseDay(text) {
  const m = /(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})/.exec(text);
  if (!m) return null;
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].indexOf(m[2]);
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
}
const formatDay = (d) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

// The journey. Signing in comes first (nothing else can be checked without
// it); when a later part fails, its remaining steps are skipped and the
// journey goes on from the home page with the next part.
async function steps(audit) {
  await signIn(audit);
  await part(audit, 'action', reportAndMove);
  await part(audit, 'pledge', pledge);
  await part(audit, 'sign-out', signOut);
  await part(audit, 'chair', chairJourney);
  await part(audit, 'mail', mailJourney);
  await part(audit, 'admin', adminJourney);
  await part(audit, 'priorities', prioritiesJourney);
  await part(audit, 'achievements', achievementsJourney);
  await part(audit, 'not-found', notFound);
}

async function part(audit, label, action) {
  try {
    await action(audit);
  } catch (error) {
    if (!(error instanceof Abort)) fail(`unexpected error: ${error.message.split('\n')[0]}`);
    await failureScreenshot(audit, label);
    console.log(`       (the rest of the "${label}" part skipped)`);
    await audit.page.goto(`${BASE_URL}/`, { waitUntil: 'load' });
  }
}

async function signIn(audit) {
  const { page, run } = audit;

  // 1. Signed out, the service sends you to sign in.
  await step('/ redirects to /sign-in, which says "Sign in"', async () => {
    await page.goto(`${BASE_URL}/`, { waitUntil: 'load' });
    expectPath(page, '/sign-in');
    await expectText(h1(page), /^Sign in$/, 'the h1');
  });
  await step(`the page's own scripts ${run.javaScriptEnabled ? 'ran' : 'did not run'} (body.js-enabled)`, async () => {
    const enabled = await page.evaluate(() => document.body.classList.contains('js-enabled'));
    if (enabled !== run.javaScriptEnabled) throw new Error(`body.js-enabled is ${enabled}`);
  });
  await checkPage(audit, 'sign-in');

  // 2. No password.
  await step('signing in with no password says "Enter your password"', async () => {
    await page.getByLabel('Email address', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('');
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    await expectText(errorSummary(page), 'Enter your password', 'the error summary');
  });
  await checkPage(audit, 'sign-in-error');

  // 3. Signed in: the member's organisation.
  await step(`signing in as ${EMAIL} shows "Your organisation": Nottinghamshire Police`, async () => {
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    expectPath(page, '/');
    await expectText(h1(page), 'Nottinghamshire Police', 'the h1');
    await expectText(page.locator('main .govuk-caption-l'), 'Your organisation', 'the caption');
  });
  await checkPage(audit, 'home');
}

async function reportAndMove(audit) {
  const { page } = audit;

  // 4. An action the organisation leads, with a form to report.
  const actionUrl = await step('an action under "Actions you lead" has a "Report progress" form', async () => {
    await page.getByRole('heading', { level: 2, name: 'Actions you lead' }).waitFor();
    const links = page.locator('main .govuk-summary-card .govuk-summary-card__title a');
    const hrefs = (await links.evaluateAll((as) => as.map((a) => a.href))).filter((href) =>
      /^\/actions\/[0-9a-f-]{36}$/.test(new URL(href).pathname),
    );
    if (!hrefs.length) throw new Error('no summary card links to /actions/<id>');
    const home = page.url();
    const seen = [];
    for (const [i, href] of hrefs.entries()) {
      if (i > 0) await page.goto(home, { waitUntil: 'load' });
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), links.nth(i).click()]);
      if (page.url() !== href) throw new Error(`following ${href} led to ${page.url()}`);
      const moves = page.locator('main .govuk-summary-card').getByRole('link', { name: /^Move/ });
      const report = page.getByRole('heading', { level: 2, name: 'Report progress' });
      if (await report.count()) return href;
      const title = (await h1(page).first().innerText()).trim();
      seen.push(`${new URL(href).pathname} "${title}": ${await moves.count()} "Move" link(s), ${(await report.count()) ? 'a' : 'no'} "Report progress" form`);
    }
    throw new Error(`none of the ${hrefs.length} action(s) has one (${seen.join('; ')})`);
  });
  console.log(`       action: ${actionUrl}`);
  await checkPage(audit, 'action');

  // 4a. A milestone to move: the demo's police milestones are all done, so
  // the member adds one first (another of the lead's forms).
  await step('"Add a milestone" opens its form', async () => {
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('link', { name: 'Add a milestone', exact: true }).click(),
    ]);
    await expectText(h1(page), /^Add a milestone$/, 'the h1');
  });
  await checkPage(audit, 'milestone-new');
  await step('adding a milestone with a due date shows it, offered to move', async () => {
    const due = new Date();
    due.setUTCMonth(due.getUTCMonth() + 6, 15);
    await page.getByLabel('Milestone', { exact: true }).fill(MILESTONE);
    await page.getByLabel('Day', { exact: true }).fill(String(due.getUTCDate()));
    await page.getByLabel('Month', { exact: true }).fill(String(due.getUTCMonth() + 1));
    await page.getByLabel('Year', { exact: true }).fill(String(due.getUTCFullYear()));
    await submit(page, page.getByRole('button', { name: 'Add the milestone', exact: true }));
    expectPath(page, new URL(actionUrl).pathname);
    await expectText(successBanner(page), 'The milestone has been added', 'the banner');
    const moves = page.locator('main .govuk-summary-card').getByRole('link', { name: /^Move/ });
    if (!(await moves.count())) throw new Error('no "Move" link after adding a milestone');
    const href0 = await moves.first().getAttribute('href');
    if (!/^\/milestones\/[0-9a-f-]{36}\/move$/.test(href0 ?? '')) throw new Error(`a "Move" link goes to ${href0}`);
  });
  await checkPage(audit, 'milestone-added');

  // 5. Amber needs a commentary; what was typed stays.
  const rating = () =>
    page.getByRole('group', { name: 'How is the action going?' }).getByRole('radio', { name: 'Amber', exact: true });
  await step('an amber update without commentary says "An amber rating needs a commentary" and keeps what was typed', async () => {
    await rating().check();
    await page.getByLabel('Progress', { exact: true }).fill(PROGRESS);
    await submit(page, page.getByRole('button', { name: 'Save update', exact: true }));
    await expectText(errorSummary(page), 'An amber rating needs a commentary', 'the error summary');
    const kept = await page.getByLabel('Progress', { exact: true }).inputValue();
    if (kept !== PROGRESS) throw new Error(`"Progress" holds "${kept}"`);
    if (!(await rating().isChecked())) throw new Error('"Amber" is no longer checked');
  });
  await checkPage(audit, 'action-error');

  // 6. With a commentary it is saved and shown in the history.
  await step('with a commentary the update is saved and shown under "History"', async () => {
    const history = page.locator('main .app-update', { hasText: COMMENTARY });
    const before = await history.count();
    await page.getByLabel('Commentary', { exact: true }).fill(COMMENTARY);
    await submit(page, page.getByRole('button', { name: 'Save update', exact: true }));
    await expectText(successBanner(page), 'Your update has been saved', 'the banner');
    await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
    const after = await history.count();
    if (after !== before + 1) throw new Error(`the history shows the commentary ${after} time(s), ${before} before`);
  });
  await checkPage(audit, 'action-updated');

  // 7. Moving a milestone needs a reason; what was typed stays.
  const moved = await step('"Move" opens a page "Move …" and moving it without a reason says so, keeping the date', async () => {
    const move = page.locator('main .govuk-summary-card').getByRole('link', { name: /^Move/ }).first();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), move.click()]);
    await expectText(h1(page), /^Move/, 'the h1');
    const dueNow = page.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: /^Due now$/ }) }).locator('dd');
    const from = parseDay(await dueNow.innerText());
    if (!from) throw new Error(`"Due now" says "${await dueNow.innerText()}"`);
    // Three months after the later of the due date and today (never the same date twice).
    const today = new Date();
    const base = from > today ? from : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    const to = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + 3, Math.min(base.getUTCDate(), 28)));
    const typed = { day: String(to.getUTCDate()), month: String(to.getUTCMonth() + 1), year: String(to.getUTCFullYear()) };
    await page.getByLabel('Day', { exact: true }).fill(typed.day);
    await page.getByLabel('Month', { exact: true }).fill(typed.month);
    await page.getByLabel('Year', { exact: true }).fill(typed.year);
    await submit(page, page.getByRole('button', { name: 'Move the milestone', exact: true }));
    await expectText(errorSummary(page), /reason/, 'the error summary');
    for (const part of ['day', 'month', 'year']) {
      const kept = await page.locator(`#due_date-${part}`).inputValue();
      if (kept !== typed[part]) throw new Error(`"${part}" holds "${kept}", not "${typed[part]}"`);
    }
    return { from: formatDay(from), to: formatDay(to) };
  });
  await checkPage(audit, 'milestone-error');

  await step(`with a reason the milestone moves from ${moved.from} to ${moved.to}, back on the action`, async () => {
    await page.getByLabel('Why is it moving?', { exact: true }).fill(REASON);
    await submit(page, page.getByRole('button', { name: 'Move the milestone', exact: true }));
    expectPath(page, new URL(actionUrl).pathname);
    await expectText(successBanner(page), "The milestone's due date has been moved", 'the banner');
    const row = `From ${moved.from} to ${moved.to}: ${REASON}`;
    if (!(await page.locator('main').getByText(row).count())) throw new Error(`the page does not show "${row}"`);
  });
  await checkPage(audit, 'milestone-moved');
}

async function pledge(audit) {
  const { page } = audit;

  // 8. A pledge.
  await step('"Pledges" in the navigation lists "Your organisation\'s pledges"', async () => {
    const nav = page.getByRole('navigation', { name: 'Menu' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), nav.getByRole('link', { name: 'Pledges', exact: true }).click()]);
    expectPath(page, '/pledges');
    await expectText(h1(page), /^Your organisation's pledges$/, 'the h1');
  });
  await checkPage(audit, 'pledges');

  await step('"Write" or "Revise" opens a pledge\'s page with its form', async () => {
    const link = page.locator('main .govuk-summary-card__actions').getByRole('link', { name: /^(Write|Revise)/ }).first();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
    if (!/^\/pledges\/[0-9a-f-]{36}$/.test(path(page))) throw new Error(`the browser is at ${page.url()}`);
    await page.getByLabel("Your organisation's pledge", { exact: true }).waitFor();
  });
  await checkPage(audit, 'pledge');

  await step('saving the pledge goes back to the pledges, which show it', async () => {
    await page.getByLabel("Your organisation's pledge", { exact: true }).fill(PLEDGE);
    await page.getByRole('radio', { name: /^Green/ }).check();
    await submit(page, page.getByRole('button', { name: 'Save pledge', exact: true }));
    expectPath(page, '/pledges');
    await expectText(successBanner(page), 'Your pledge has been saved', 'the banner');
    if (!(await page.locator('main').getByText(PLEDGE, { exact: true }).count())) throw new Error('the pledge text is not shown');
  });
  await checkPage(audit, 'pledge-saved');
}

async function signOut(audit) {
  const { page } = audit;

  // 9. Sign out.
  await step('"Sign out" signs out: /sign-in says "You have signed out"', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
    await expectText(successBanner(page), 'You have signed out', 'the banner');
  });
  await checkPage(audit, 'signed-out');
  await step('after signing out, / redirects to /sign-in', async () => {
    await page.goto(`${BASE_URL}/`, { waitUntil: 'load' });
    expectPath(page, '/sign-in');
  });

}

async function notFound(audit) {
  const { page } = audit;
  await step('/no-such-page answers 404 with "Page not found"', async () => {
    const response = await page.goto(`${BASE_URL}/no-such-page`, { waitUntil: 'load' });
    if (response?.status() !== 404) throw new Error(`it answered ${response?.status()}`);
    await expectText(h1(page), /^Page not found$/, 'the h1');
  });
  await checkPage(audit, 'not-found');
}

// The chair's journey: the dashboard now and for a closed period, an
// exception and a challenge on it, a period added and closed, the trend,
// and the board report downloaded as HTML and printed to a PDF on A4 in
// which no table row is cut across pages.
async function chairJourney(audit) {
  const { page, run, dir, context } = audit;
  const nav = (name) => page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true });

  await signInAs(page, CHAIR_EMAIL, PASSWORD);

  const dashboard = await step('"Dashboard" shows the charts, each with its table of the same numbers', async () => {
    await submit(page, nav('Dashboard'));
    if (!/^\/strategies\/[0-9a-f-]{36}\/dashboard$/.test(path(page))) throw new Error(`the browser is at ${page.url()}`);
    await expectText(h1(page), /^Dashboard$/, 'the h1');
    const charts = await page.locator('svg.app-chart').count();
    if (charts < 5) throw new Error(`${charts} charts on the page`);
    const mismatches = await page.evaluate(() => {
      const wrong = [];
      for (const id of ['totals', 'by-ambition', 'by-commitment', 'by-lead']) {
        const bars = [...document.querySelectorAll(`svg#${id} g.app-chart__bar`)].map((g) => g.dataset.total);
        const rows = [...document.querySelectorAll(`#${id}-table tbody tr`)].map((tr) => tr.lastElementChild.textContent.trim());
        if (bars.length === 0 || bars.join() !== rows.join()) wrong.push(`${id}: chart ${bars.join()} table ${rows.join()}`);
      }
      return wrong;
    });
    if (mismatches.length) throw new Error(`charts and tables differ: ${mismatches.join('; ')}`);
    return path(page);
  });
  await checkPage(audit, 'dashboard');

  await step('choosing a closed period shows the plan as it stood when the period closed', async () => {
    const value = await page.evaluate(() => {
      const options = [...document.querySelectorAll('#period_id option')].filter((o) => o.textContent.includes('(closed)'));
      return options.length ? options[options.length - 1].value : null;
    });
    if (!value) throw new Error('no closed period to choose');
    await page.getByLabel('Show a reporting period').selectOption(value);
    await submit(page, page.getByRole('button', { name: 'Show period', exact: true }));
    if (new URL(page.url()).searchParams.get('period_id') !== value) throw new Error(`the address is ${page.url()}`);
    await expectText(page.locator('#moment'), 'as it stood when the period closed', 'the moment');
  });
  await checkPage(audit, 'dashboard-period');

  await step('an exception opens its action, with a form to challenge its lead', async () => {
    await submit(page, page.locator('#exceptions-table tbody a').first());
    if (!/^\/actions\/[0-9a-f-]{36}$/.test(path(page))) throw new Error(`the browser is at ${page.url()}`);
    await page.getByRole('heading', { level: 2, name: 'Challenge the lead organisation' }).waitFor();
  });
  await checkPage(audit, 'exception');

  await step('the chair posts a challenge', async () => {
    await page.getByLabel('Your challenge', { exact: true }).fill(`What would bring this back on course? (${run.name})`);
    await submit(page, page.getByRole('button', { name: 'Send the challenge', exact: true }));
    await expectText(successBanner(page), 'Your challenge has been sent', 'the banner');
  });
  await checkPage(audit, 'challenge-sent');

  // Each run adds its own period: the first ends three weeks ago, the
  // second is current.
  const day = 24 * 3600 * 1000;
  const today = new Date(new Date().toISOString().slice(0, 10));
  const [from, to] = run.javaScriptEnabled ? [-40, -21] : [-20, 10];
  const starts = new Date(today.getTime() + from * day);
  const ends = new Date(today.getTime() + to * day);
  const name = `Board review ${run.name} ${ends.toISOString().slice(0, 10)}`;
  await step(`the chair adds the reporting period "${name}"`, async () => {
    await page.goto(`${BASE_URL}${dashboard}`, { waitUntil: 'load' });
    await submit(page, page.getByRole('link', { name: 'Reporting periods', exact: true }));
    await page.getByLabel('Name', { exact: true }).fill(name);
    for (const [field, date] of [['starts_on', starts], ['ends_on', ends]]) {
      await page.locator(`#${field}-day`).fill(String(date.getUTCDate()));
      await page.locator(`#${field}-month`).fill(String(date.getUTCMonth() + 1));
      await page.locator(`#${field}-year`).fill(String(date.getUTCFullYear()));
    }
    await submit(page, page.getByRole('button', { name: 'Add the period', exact: true }));
    await expectText(successBanner(page), 'The reporting period has been added', 'the banner');
  });
  await checkPage(audit, 'periods');

  await step('closing it asks first, saying what closing does, then closes it', async () => {
    await submit(page, page.getByRole('link', { name: `Close ${name}`, exact: true }));
    await expectText(h1(page), `Close ${name}`, 'the h1');
    await page.getByRole('heading', { level: 2, name: 'What closing does' }).waitFor();
    await checkPage(audit, 'period-close');
    await submit(page, page.getByRole('button', { name: `Close ${name}`, exact: true }));
    await expectText(successBanner(page), 'has been closed', 'the banner');
  });

  await step('the trend shows the period just closed', async () => {
    await page.goto(`${BASE_URL}${dashboard}`, { waitUntil: 'load' });
    await submit(page, page.getByRole('link', { name: 'Ratings across the closed periods', exact: true }));
    await expectText(h1(page), 'Ratings across the closed periods', 'the h1');
    await expectText(page.locator('#by-period-table tbody tr').last().locator('th'), name, 'the last period of the trend');
  });
  await checkPage(audit, 'trend');

  const report = join(dir, 'board-report.html');
  await step('"Reports" downloads the board report as HTML, with its charts', async () => {
    await submit(page, nav('Reports'));
    await expectText(h1(page), /^Reports$/, 'the h1');
    await checkPage(audit, 'reports');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the report', exact: true }).click(),
    ]);
    if (!/^board-report-\d{4}-\d{2}-\d{2}\.html$/.test(download.suggestedFilename())) {
      throw new Error(`the file is called ${download.suggestedFilename()}`);
    }
    await download.saveAs(report);
    const html = readFileSync(report, 'utf8');
    if (!html.includes('class="app-chart" id="by-ambition"')) throw new Error('the report has no chart of the ambitions');
  });

  await step('the report prints on A4 with no table row cut across pages', async () => {
    const printed = await context.newPage();
    try {
      await printed.setContent(readFileSync(report, 'utf8'), { waitUntil: 'load' });
      await printed.screenshot({ path: join(dir, 'board-report.png'), fullPage: true });
      await printed.pdf({ path: join(dir, 'board-report.pdf'), format: 'A4', preferCSSPageSize: true, printBackground: true, tagged: true });
    } finally {
      await printed.close();
    }
    const checked = spawnSync(PDF_PYTHON, [PDF_ROWS, join(dir, 'board-report.pdf')], { encoding: 'utf8' });
    const said = `${checked.stdout}${checked.stderr}`.trim();
    if (checked.status !== 0) throw new Error(said || `the check exited ${checked.status}`);
    console.log(`       ${said.replace(/\n/g, '\n       ')}`);
  });

  await step('the chair signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });
}

// The member chooses which emails they receive; the unsubscribe link of a
// message the chair's challenge queued (mail is off here, so it waits in
// the queue) shows a button, which stops that kind; a forged link is
// refused with a page that says so.
async function mailJourney(audit) {
  const { page } = audit;
  const reminders = () => page.getByLabel(/^Reminders before a reporting period ends/);

  await signInAs(page, EMAIL, PASSWORD);
  await step('the account page links to "Choose which emails you receive"', async () => {
    await page.goto(`${BASE_URL}/account/password`, { waitUntil: 'load' });
    await submit(page, page.getByRole('link', { name: 'Choose which emails you receive', exact: true }));
    expectPath(page, '/account/mail');
    await expectText(h1(page), /^Emails you receive$/, 'the h1');
    if (!(await reminders().isChecked())) throw new Error('reminders are not on by default');
  });
  await checkPage(audit, 'account-mail');
  await step('unticking reminders and saving keeps the choice', async () => {
    await reminders().uncheck();
    await submit(page, page.getByRole('button', { name: 'Save email choices', exact: true }));
    expectPath(page, '/account/mail');
    await expectText(successBanner(page), 'Your email choices have been saved', 'the banner');
    if (await reminders().isChecked()) throw new Error('reminders are still ticked');
  });
  await checkPage(audit, 'account-mail-saved');
  await step('ticking them again turns them back on', async () => {
    await reminders().check();
    await submit(page, page.getByRole('button', { name: 'Save email choices', exact: true }));
    if (!(await reminders().isChecked())) throw new Error('reminders are not ticked');
  });
  await step('the member signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });

  const link = await step('the challenge queued a message with an unsubscribe link', async () => {
    const found = spawnSync('psql', [SERVICE_DATABASE_URL, '-Atc',
      "SELECT payload->>'unsubscribe' FROM jobs WHERE kind = 'mail' ORDER BY created_at DESC LIMIT 1"], { encoding: 'utf8' });
    const url = found.stdout.trim();
    if (found.status !== 0 || !url.startsWith(`${BASE_URL}/unsubscribe/`)) throw new Error(`found "${url}" ${found.stderr}`);
    return new URL(url).pathname;
  });
  await step('opening the link, signed out, offers a button and changes nothing', async () => {
    await page.goto(`${BASE_URL}${link}`, { waitUntil: 'load' });
    await expectText(h1(page), /^Stop these emails$/, 'the h1');
  });
  await checkPage(audit, 'unsubscribe');
  await step('"Stop these emails" stops them', async () => {
    await submit(page, page.getByRole('button', { name: 'Stop these emails', exact: true }));
    await expectText(h1(page), /^You will not get these emails$/, 'the h1');
  });
  await checkPage(audit, 'unsubscribed');
  await step('a forged link is refused with a page that says so', async () => {
    const response = await page.goto(`${BASE_URL}${FORGED_UNSUBSCRIBE}`, { waitUntil: 'load' });
    if (response?.status() !== 404) throw new Error(`it answered ${response?.status()}`);
    await expectText(page.locator('main'), /unsubscribe link/, 'the page');
  });
  await checkPage(audit, 'unsubscribe-forged');
}

// An administrator creates a board member's account with an initial
// password; the member signs in with it, is asked to choose their own, and
// then signs in with that.
async function adminJourney(audit) {
  const { page, run } = audit;
  const nav = (name) => page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true });
  const email = `new.member.${run.name}@example.org`;
  const initial = `first-${run.name}-sign-in-words`;
  const chosen = `${run.name}-chosen-by-the-member-herself`;

  await signInAs(page, ADMIN_EMAIL, PASSWORD);
  await step('"Administration" lists the areas an administrator manages', async () => {
    await submit(page, nav('Administration'));
    expectPath(page, '/admin');
    await page.getByRole('link', { name: 'Users', exact: true }).waitFor();
  });
  await checkPage(audit, 'admin');

  await step(`the administrator creates a board member's account for ${email}`, async () => {
    await submit(page, page.getByRole('link', { name: 'Users', exact: true }));
    await checkPage(audit, 'admin-users');
    await submit(page, page.getByRole('button', { name: 'Create an account', exact: true }).or(page.getByRole('link', { name: 'Create an account', exact: true })));
    await page.getByLabel('Name', { exact: true }).fill(`New Member ${run.name}`);
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Board member', { exact: true }).check();
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Nottinghamshire Police' });
    await page.getByLabel('Initial password', { exact: true }).fill(initial);
    await checkPage(audit, 'admin-user-new');
    await submit(page, page.getByRole('button', { name: 'Create the account', exact: true }));
    await expectText(successBanner(page), /account/i, 'the banner');
  });
  await checkPage(audit, 'admin-user-added');
  await webhooksAndJobs(audit);
  await step('the administrator signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });

  await step('signing in with the initial password asks for a new one', async () => {
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(initial);
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    expectPath(page, '/account/password');
    await expectText(h1(page), /^Choose a new password$/, 'the h1');
  });
  await checkPage(audit, 'first-sign-in');
  await step('any other page sends the member back to choose a password', async () => {
    await page.goto(`${BASE_URL}/plan`, { waitUntil: 'load' });
    expectPath(page, '/account/password');
  });
  await step('the member chooses a password and signs in with it', async () => {
    await page.locator('#current_password').fill(initial);
    await page.locator('#new_password').fill(chosen);
    await submit(page, page.getByRole('button', { name: 'Change password', exact: true }));
    expectPath(page, '/sign-in');
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(chosen);
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    expectPath(page, '/');
    await expectText(h1(page), 'Nottinghamshire Police', 'the h1');
  });
  await step('the member signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });
}

// The administrator registers a webhook (first with an address that is not
// https), sees its secret once, opens its page and disables it; then the
// page of work that failed every attempt.
async function webhooksAndJobs(audit) {
  const { page, run } = audit;
  const url = `https://93.184.215.14/hooks/${run.name}`;
  await step('"Webhooks" lists the webhooks with a form to register one', async () => {
    await page.goto(`${BASE_URL}/admin`, { waitUntil: 'load' });
    await submit(page, page.getByRole('link', { name: 'Webhooks', exact: true }));
    expectPath(page, '/admin/webhooks');
    await page.getByRole('heading', { level: 2, name: 'Register a webhook' }).waitFor();
  });
  await checkPage(audit, 'admin-webhooks');
  await step('an address that is not https is refused and what was typed stays', async () => {
    await page.getByLabel('Address to send changes to', { exact: true }).fill(`http://bi.example.org/${run.name}`);
    await page.getByLabel('What is it? (optional)', { exact: true }).fill(`County BI (${run.name})`);
    await page.getByLabel('Action', { exact: true }).check();
    await submit(page, page.getByRole('button', { name: 'Register the webhook', exact: true }));
    await expectText(errorSummary(page), /must use https/, 'the error summary');
    const kept = await page.getByLabel('What is it? (optional)', { exact: true }).inputValue();
    if (kept !== `County BI (${run.name})`) throw new Error(`the description holds "${kept}"`);
    if (!(await page.getByLabel('Action', { exact: true }).isChecked())) throw new Error('"Action" is no longer checked');
  });
  await checkPage(audit, 'admin-webhooks-error');
  await step('an https address registers and its secret is shown once', async () => {
    await page.getByLabel('Address to send changes to', { exact: true }).fill(url);
    await submit(page, page.getByRole('button', { name: 'Register the webhook', exact: true }));
    await expectText(h1(page), /^Webhook registered$/, 'the h1');
    const secret = await page.locator('#secret').inputValue();
    if (!secret.startsWith('whsec_')) throw new Error(`the secret reads "${secret}"`);
  });
  await checkPage(audit, 'admin-webhook-created');
  await step("the webhook's page shows it active, and disabling it says so", async () => {
    await submit(page, page.getByRole('link', { name: "Go to the webhook's page", exact: true }));
    await expectText(h1(page), `County BI (${run.name})`, 'the h1');
    await checkPage(audit, 'admin-webhook');
    await submit(page, page.getByRole('button', { name: 'Disable it', exact: true }));
    await expectText(successBanner(page), /webhook is disabled/, 'the banner');
  });
  await checkPage(audit, 'admin-webhook-disabled');
  await step('"Failed deliveries" lists work that failed every attempt', async () => {
    await page.goto(`${BASE_URL}/admin`, { waitUntil: 'load' });
    await submit(page, page.getByRole('link', { name: 'Failed deliveries', exact: true }));
    expectPath(page, '/admin/jobs');
    await expectText(h1(page), /^Failed deliveries$/, 'the h1');
  });
  await checkPage(audit, 'admin-jobs');
}

// A member of the young people's council raises a priority; the chair finds
// it waiting on the dashboard and accepts it with a partner, a date and an
// action of the plan.
async function prioritiesJourney(audit) {
  const { page, run } = audit;
  const nav = (name) => page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true });
  const title = `Free bus travel to college (${run.name})`;
  // Yesterday, so that it is not in the future in any time zone.
  const raised = new Date(Date.now() - 24 * 3600 * 1000);

  await signInAs(page, COUNCIL_EMAIL, PASSWORD);
  await step('the council\'s home lists its priorities and offers "Raise a priority"', async () => {
    await page.getByRole('heading', { level: 2, name: 'Your priorities for the board' }).waitFor();
    await page.getByRole('button', { name: 'Raise a priority', exact: true }).waitFor();
  });
  await checkPage(audit, 'council-home');

  await step('"Raise a priority" opens its form', async () => {
    await submit(page, page.getByRole('button', { name: 'Raise a priority', exact: true }));
    expectPath(page, '/priorities/new');
    await expectText(h1(page), /^Raise a priority$/, 'the h1');
  });
  await checkPage(audit, 'priority-new');

  await step('raising it without saying why it matters says so and keeps what was typed', async () => {
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('What young people said, in their own words', { exact: true }).fill(SAID);
    await page.getByLabel('Day', { exact: true }).fill(String(raised.getUTCDate()));
    await page.getByLabel('Month', { exact: true }).fill(String(raised.getUTCMonth() + 1));
    await page.getByLabel('Year', { exact: true }).fill(String(raised.getUTCFullYear()));
    await page.getByLabel('Where it was raised', { exact: true }).fill('No Labels meeting');
    await page.getByRole('group', { name: /^Ambitions it touches/ }).getByRole('checkbox').first().check();
    await submit(page, page.getByRole('button', { name: 'Raise the priority', exact: true }));
    await expectText(errorSummary(page), 'Enter why it matters to young people', 'the error summary');
    const kept = await page.getByLabel('What young people said, in their own words', { exact: true }).inputValue();
    if (kept !== SAID) throw new Error(`"What young people said" holds "${kept}"`);
    if (!(await page.getByRole('group', { name: /^Ambitions it touches/ }).getByRole('checkbox').first().isChecked())) {
      throw new Error('the ambition is no longer ticked');
    }
  });
  await checkPage(audit, 'priority-new-error');

  const priorityPath = await step('with why it matters, it is raised and waits for the board\'s answer', async () => {
    await page.getByLabel('Why it matters', { exact: true }).fill(WHY);
    await submit(page, page.getByRole('button', { name: 'Raise the priority', exact: true }));
    if (!/^\/priorities\/[0-9a-f-]{36}$/.test(path(page))) throw new Error(`the browser is at ${page.url()}`);
    await expectText(successBanner(page), 'Your priority has been sent to the board', 'the banner');
    await expectText(h1(page), title, 'the h1');
    await expectText(page.locator('#status'), "Waiting for the board's answer", 'the status');
    if (await page.getByRole('heading', { name: 'Answer this priority' }).count()) throw new Error('the council is offered the answer forms');
    return path(page);
  });
  await checkPage(audit, 'priority-raised');

  await step('"Young people\'s priorities" lists it under "Waiting for the board\'s answer"', async () => {
    await submit(page, nav("Young people's priorities"));
    expectPath(page, '/priorities');
    await page.locator('#status-raised').waitFor();
    if (!(await page.locator('main .govuk-summary-card__title a', { hasText: title }).count())) throw new Error(`"${title}" is not listed`);
  });
  await checkPage(audit, 'priorities');

  await step('the council member signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });

  await signInAs(page, CHAIR_EMAIL, PASSWORD);
  await step('the chair\'s dashboard lists it as waiting for an answer, and links to it', async () => {
    await submit(page, nav('Dashboard'));
    await page.getByRole('heading', { level: 2, name: "Young people's priorities" }).waitFor();
    const link = page.locator('#priorities-awaiting-table').getByRole('link', { name: title, exact: true });
    await submit(page, link);
    expectPath(page, priorityPath);
    await page.getByRole('heading', { level: 2, name: 'Answer this priority' }).waitFor();
  });
  await checkPage(audit, 'priority-answer');

  const accept = page.locator('#accept');
  await step('accepting it without the date it will be done by says so and keeps the message', async () => {
    await accept.getByLabel('Message to young people', { exact: true }).fill(ANSWER);
    await accept.getByLabel('What will be done', { exact: true }).fill(RESPONSE);
    await accept.getByLabel('Which partner will do it', { exact: true }).selectOption({ label: 'Nottinghamshire County Council' });
    await accept.getByRole('group', { name: /^Actions that answer it/ }).getByRole('checkbox').first().check();
    await submit(page, accept.getByRole('button', { name: 'Accept the priority', exact: true }));
    await expectText(errorSummary(page), 'Enter the date it will be done by', 'the error summary');
    const kept = await accept.getByLabel('Message to young people', { exact: true }).inputValue();
    if (kept !== ANSWER) throw new Error(`the message holds "${kept}"`);
  });
  await checkPage(audit, 'priority-answer-error');

  await step('with the date it is accepted, with the partner and the action, and kept in the history', async () => {
    const by = new Date();
    by.setUTCFullYear(by.getUTCFullYear() + 1, 2, 31);
    await accept.locator('#deliver_by-day').fill(String(by.getUTCDate()));
    await accept.locator('#deliver_by-month').fill(String(by.getUTCMonth() + 1));
    await accept.locator('#deliver_by-year').fill(String(by.getUTCFullYear()));
    await submit(page, accept.getByRole('button', { name: 'Accept the priority', exact: true }));
    expectPath(page, priorityPath);
    await expectText(successBanner(page), "The board's answer has been saved", 'the banner');
    await expectText(page.locator('#status'), 'Accepted', 'the status');
    await expectText(page.locator('#answer-now'), 'Nottinghamshire County Council', 'the answer');
    if ((await page.locator('#actions-table tbody tr').count()) !== 1) throw new Error('the action is not listed');
    await expectText(page.locator('#timeline'), ANSWER, 'the history');
  });
  await checkPage(audit, 'priority-accepted');

  await step('the chair signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });
}

// A board member writes an achievement: one voice, then "Add another
// voice" (a second, empty one), the second with a telephone number (refused,
// what was typed kept), then without it; the chair approves it on its page.
async function achievementsJourney(audit) {
  const { page, run } = audit;
  const nav = (name) => page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true });
  const title = `Safer journeys home from college (${run.name})`;
  // Yesterday, so that it is not in the future in any time zone.
  const day = new Date(Date.now() - 24 * 3600 * 1000);
  const fillDate = async (name) => {
    await page.locator(`#${name}-day`).fill(String(day.getUTCDate()));
    await page.locator(`#${name}-month`).fill(String(day.getUTCMonth() + 1));
    await page.locator(`#${name}-year`).fill(String(day.getUTCFullYear()));
  };
  const fillVoice = async (i, kind, text, role, band) => {
    const voice = page.locator(`#voice-${i}`);
    await voice.getByRole('radio', { name: kind, exact: true }).check();
    await page.locator(`#voices-${i}-text`).fill(text);
    await page.locator(`#voices-${i}-role`).fill(role);
    await page.locator(`#voices-${i}-age_band`).selectOption(band);
    await page.locator(`#voices-${i}-consent_organisation_id`).selectOption({ index: 1 });
    await fillDate(`voices-${i}-consent_on`);
  };

  await signInAs(page, EMAIL, PASSWORD);
  await step('"Achievements" lists what the user may read and offers "Write an achievement"', async () => {
    await submit(page, nav('Achievements'));
    expectPath(page, '/achievements');
    await expectText(h1(page), /^Achievements$/, 'the h1');
    await page.getByRole('button', { name: 'Write an achievement', exact: true }).waitFor();
  });
  await checkPage(audit, 'achievements');

  await step('"Write an achievement" opens its form, with the warning about identifiers', async () => {
    await submit(page, page.getByRole('button', { name: 'Write an achievement', exact: true }));
    expectPath(page, '/achievements/new');
    await expectText(page.locator('.govuk-warning-text'), 'Do not name a child or young person', 'the warning');
  });
  await checkPage(audit, 'achievement-new');

  await step('"Add another voice" brings the form back with a second, empty voice', async () => {
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('What the partnership achieved', { exact: true }).fill(ACHIEVED);
    await page.getByLabel('What it meant for children and young people', { exact: true }).fill(MEANT);
    await fillDate('achieved_on');
    await page.getByRole('group', { name: /^Actions that produced it/ }).getByRole('checkbox').first().check();
    await page.getByLabel('Tag it Local Offer', { exact: true }).check();
    await fillVoice(0, 'A quote, in their words', QUOTE, 'care leaver', '18-20');
    await submit(page, page.getByRole('button', { name: 'Add another voice', exact: true }));
    expectPath(page, '/achievements/new');
    await page.locator('#voice-1').waitFor();
    const kept = await page.locator('#voices-0-text').inputValue();
    if (kept !== QUOTE) throw new Error(`the first voice holds "${kept}"`);
  });
  await checkPage(audit, 'achievement-new-another');

  await step('a voice with a telephone number is refused under its box, and what was typed is kept', async () => {
    await fillVoice(1, 'A short story about them', `${STORY} Ring her on 07700 900123.`, 'young person in care', '16-17');
    await submit(page, page.getByRole('button', { name: 'Save as a draft', exact: true }));
    await expectText(errorSummary(page), 'What voice 2 says holds a telephone number', 'the error summary');
    const kept = await page.getByLabel('Title', { exact: true }).inputValue();
    if (kept !== title) throw new Error(`the title holds "${kept}"`);
    if (!(await page.getByLabel('Tag it Local Offer', { exact: true }).isChecked())) throw new Error('Local Offer is no longer ticked');
  });
  await checkPage(audit, 'achievement-new-error');

  const achievementPath = await step('without it, it is saved as a draft for the chair', async () => {
    await page.locator('#voices-1-text').fill(STORY);
    await submit(page, page.getByRole('button', { name: 'Save as a draft', exact: true }));
    if (!/^\/achievements\/[0-9a-f-]{36}$/.test(path(page))) throw new Error(`the browser is at ${page.url()}`);
    await expectText(successBanner(page), 'Your achievement has been saved as a draft', 'the banner');
    await expectText(page.locator('#status'), 'Waiting for approval', 'the status');
    await expectText(page.locator('#voice-1'), 'young person in care, aged 16 to 17', 'the second voice');
    return path(page);
  });
  await checkPage(audit, 'achievement');

  await step('"Change this achievement" opens the form filled in', async () => {
    await submit(page, page.getByRole('link', { name: 'Change this achievement', exact: true }));
    expectPath(page, `${achievementPath}/edit`);
    const kept = await page.locator('#voices-1-text').inputValue();
    if (kept !== STORY) throw new Error(`the second voice holds "${kept}"`);
  });
  await checkPage(audit, 'achievement-edit');

  await step('the member signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });

  await signInAs(page, CHAIR_EMAIL, PASSWORD);
  await step('the chair finds it waiting for approval', async () => {
    await page.goto(`${BASE_URL}/achievements?status=draft`, { waitUntil: 'load' });
    await submit(page, page.locator('main .govuk-summary-card__title').getByRole('link', { name: title, exact: true }));
    expectPath(page, achievementPath);
    await page.getByRole('button', { name: 'Approve for reports', exact: true }).waitFor();
  });
  await checkPage(audit, 'achievement-review');

  await step('"Delete this achievement" asks to be sure', async () => {
    await submit(page, page.getByRole('link', { name: 'Delete this achievement', exact: true }));
    expectPath(page, `${achievementPath}/delete`);
    await page.getByRole('button', { name: 'Delete the achievement', exact: true }).waitFor();
  });
  await checkPage(audit, 'achievement-delete');

  await step('the chair keeps it and approves it for reports', async () => {
    await submit(page, page.getByRole('link', { name: 'Keep it', exact: true }));
    expectPath(page, achievementPath);
    await page.locator('#approve-comment').fill('Thank you: a clear story.');
    await submit(page, page.getByRole('button', { name: 'Approve for reports', exact: true }));
    expectPath(page, achievementPath);
    await expectText(successBanner(page), 'The achievement has been approved for reports', 'the banner');
    await expectText(page.locator('#status'), 'Approved for reports', 'the status');
  });
  await checkPage(audit, 'achievement-approved');

  await step('the chair signs out', async () => {
    await submit(page, page.getByRole('button', { name: /^Sign out/ }));
    expectPath(page, '/sign-in');
  });
}

async function signInAs(page, email, password) {
  await step(`signing in as ${email}`, async () => {
    await page.goto(`${BASE_URL}/sign-in`, { waitUntil: 'load' });
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
    expectPath(page, '/');
  });
}

await main().catch((error) => {
  console.log(`FAIL ${error.message}`);
  process.exitCode = 1;
});
