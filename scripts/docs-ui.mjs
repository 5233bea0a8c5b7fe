// Drives the service's Swagger UI (/docs/) in headless Chromium as a newcomer
// would: the page loads the spec and lists every operation, "Try it out" on
// sign-in gives a token, "Authorize" takes it, and authorised calls answer 200.
// Every request must stay on the service's own origin.
//
// Run by scripts/check-docs-ui, which starts the service and sets:
//   BASE_URL             e.g. http://127.0.0.1:18081
//   DEMO_EMAIL, DEMO_PASSWORD
//   PLAYWRIGHT_CORE_DIR  the playwright-core package directory (in .tools/)
//   SCREENSHOT           where to save the screenshot
//   CHROMIUM             default /usr/bin/chromium
import { createRequire } from 'node:module';
import { env, service } from './lib/env.mjs';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';

const { BASE_URL, ORIGIN } = service();
const EMAIL = env('DEMO_EMAIL');
const PASSWORD = env('DEMO_PASSWORD');
const SCREENSHOT = env('SCREENSHOT');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const { chromium } = createRequire(import.meta.url)(env('PLAYWRIGHT_CORE_DIR'));

const STEP_TIMEOUT = 20_000;
const failures = [];
const fail = (message) => {
  failures.push(message);
  console.log(`  FAIL ${message}`);
};
const ok = (message) => console.log(`  ok   ${message}`);
class Abort extends Error {}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

async function main() {
  const specResponse = await fetch(`${BASE_URL}/api-docs/openapi.json`);
  if (!specResponse.ok) throw new Error(`GET /api-docs/openapi.json answered ${specResponse.status}`);
  const spec = await specResponse.json();
  const specOps = new Set();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) if (item[method]) specOps.add(`${method.toUpperCase()} ${path}`);
  }
  console.log(`spec: ${spec.info?.title} ${spec.info?.version}, ${specOps.size} operations`);

  const userDataDir = mkdtempSync(join(tmpdir(), 'dpt-docs-ui-'));
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
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT);

  // Only the service itself may be asked for anything: anything else is
  // recorded and refused, so no request ever leaves the machine.
  const foreign = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === ORIGIN) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const failedRequests = [];
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin === ORIGIN) {
      failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    }
  });

  try {
    await run(page, spec, specOps);
  } catch (error) {
    if (!(error instanceof Abort)) fail(`unexpected error: ${error.message.split('\n')[0]}`);
  } finally {
    try {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      console.log(`screenshot: ${SCREENSHOT}`);
    } catch (error) {
      fail(`could not save the screenshot: ${error.message}`);
    }
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }

  const offOrigin = requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== ORIGIN);
  const outside = [...new Set([...foreign, ...offOrigin])];
  if (outside.length) fail(`requests left ${ORIGIN}:\n      ${outside.join('\n      ')}`);
  else ok(`all ${requests.length} requests went to ${ORIGIN}`);
  if (failedRequests.length) fail(`requests to the service failed:\n      ${failedRequests.join('\n      ')}`);
  if (pageErrors.length) fail(`JavaScript errors on the page:\n      ${pageErrors.join('\n      ')}`);

  if (failures.length) {
    console.log(`\ndocs UI: ${failures.length} failure(s)`);
    process.exitCode = 1;
  } else {
    console.log('\ndocs UI: passed');
  }
}

// The block of one operation, e.g. opblock('post', '/api/v1/auth/login').
function opblock(page, method, path) {
  return page
    .locator(`.opblock.opblock-${method}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
    .first();
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

// Expands an operation, "Try it out", fills parameters and body, "Execute";
// returns the rendered status and body of the live response.
async function tryOperation(page, method, path, { params = {}, body } = {}) {
  const block = opblock(page, method, path);
  await block.scrollIntoViewIfNeeded();
  if (!(await block.evaluate((el) => el.classList.contains('is-open')))) {
    await block.locator('.opblock-summary').first().click();
  }
  await block.locator('button.try-out__btn', { hasText: 'Try it out' }).click();
  for (const [name, value] of Object.entries(params)) {
    await block.locator(`tr[data-param-name="${name}"] input`).first().fill(value);
  }
  if (body !== undefined) {
    await block.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  }
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table .response').first();
  await live.waitFor({ state: 'visible' });
  const status = (await live.locator('.response-col_status').first().innerText()).trim();
  const text = await live.locator('.response-col_description pre').first().innerText();
  return { block, status, text };
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

async function run(page, spec, specOps) {
  const started = Date.now();
  const response = await page.goto(`${BASE_URL}/docs/`, { waitUntil: 'load' });
  if (!response || response.status() !== 200) fail(`GET /docs/ answered ${response?.status()}`);

  await step(`Swagger UI shows the spec's title "${spec.info?.title}"`, async () => {
    await page.locator('.information-container .title', { hasText: spec.info.title }).waitFor();
  });
  await page.locator('.opblock').first().waitFor();
  // Let the last tag sections render.
  await page.waitForFunction(
    (n) => document.querySelectorAll('.opblock').length >= n,
    specOps.size,
    { timeout: 5_000 },
  ).catch(() => {});

  const errors = await page.locator('.errors-wrapper .errors').allInnerTexts();
  if (errors.length) {
    fail(`on load, Swagger UI shows errors about the spec:\n      ${errors.join('\n').split('\n').filter(Boolean).join('\n      ')}`);
  } else {
    ok('on load, Swagger UI shows no errors about the spec');
  }

  const rendered = await page.$$eval('.opblock', (blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent.trim();
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path');
      return `${method} ${path}`;
    }),
  );
  const renderedOps = new Set(rendered);
  const missing = [...specOps].filter((op) => !renderedOps.has(op));
  const extra = [...renderedOps].filter((op) => !specOps.has(op));
  if (missing.length || extra.length || rendered.length !== specOps.size) {
    fail(
      `Swagger UI lists ${rendered.length} operation blocks (${renderedOps.size} distinct), the spec has ${specOps.size}` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; not in the spec: ${extra.join(', ')}` : ''),
    );
  } else {
    ok(`Swagger UI lists all ${specOps.size} operations of the spec (${((Date.now() - started) / 1000).toFixed(1)} s after opening /docs/)`);
  }

  const token = await step(`Try it out: POST /api/v1/auth/login as ${EMAIL} answers 200 with a token`, async () => {
    const { status, text } = await tryOperation(page, 'post', '/api/v1/auth/login', {
      body: { email: EMAIL, password: PASSWORD },
    });
    if (status !== '200') throw new Error(`status ${status}: ${text.slice(0, 300)}`);
    const accessToken = parseJson(text, 'the login response').access_token;
    if (!accessToken) throw new Error('no access_token in the rendered response');
    return accessToken;
  });

  await step('Authorize: the bearer token is accepted', async () => {
    await page.locator('.auth-wrapper button.authorize').first().click();
    const modal = page.locator('.modal-ux');
    await modal.waitFor();
    // Two schemes are offered (user JWT and system token); a person uses the first.
    const container = modal
      .locator('.auth-container')
      .filter({ has: page.locator('h4', { hasText: /^bearer\b/ }) })
      .first();
    await container.locator('input').first().fill(token);
    await container.locator('button', { hasText: /^Authorize$/ }).click();
    // Swagger UI then says "Authorized" and offers "Logout" instead.
    await container.locator('button', { hasText: /^Logout$/ }).waitFor();
    await container.locator('button', { hasText: /^Close$/ }).first().click();
    await modal.waitFor({ state: 'detached' });
    const locked = await page.locator('.auth-wrapper button.authorize.locked').count();
    if (!locked) throw new Error('the Authorize button does not show the locked padlock');
  });

  const strategyId = await step('Try it out: GET /api/v1/strategies answers 200 with strategies', async () => {
    const { status, text } = await tryOperation(page, 'get', '/api/v1/strategies');
    if (status !== '200') throw new Error(`status ${status}: ${text.slice(0, 300)}`);
    const id = parseJson(text, 'the response').items?.[0]?.id;
    if (!id) throw new Error('the response lists no strategy');
    return id;
  });

  const actionId = await step('Try it out: GET /api/v1/actions (strategy_id filter) answers 200 with actions', async () => {
    const { status, text } = await tryOperation(page, 'get', '/api/v1/actions', {
      params: { strategy_id: strategyId },
    });
    if (status !== '200') throw new Error(`status ${status}: ${text.slice(0, 300)}`);
    const id = parseJson(text, 'the response').items?.[0]?.id;
    if (!id) throw new Error('the response lists no action');
    return id;
  });

  const detail = await step(`Try it out: GET /api/v1/actions/{id} (${actionId}) answers 200 with that action`, async () => {
    const { block, status, text } = await tryOperation(page, 'get', '/api/v1/actions/{id}', {
      params: { id: actionId },
    });
    if (status !== '200') throw new Error(`status ${status}: ${text.slice(0, 300)}`);
    if (parseJson(text, 'the response').id !== actionId) throw new Error('the response is another action');
    return block;
  });

  // Swagger UI resolves an operation only when it is opened, and only then
  // shows what it cannot resolve, in the error box at the top. Ask it to
  // resolve all paths at once (what opening every operation does; one request
  // per operation costs its resolver half a minute), then read that box.
  const requested = await page.evaluate(() => {
    if (!window.ui?.specActions?.requestResolvedSubtree) return false;
    window.ui.specActions.requestResolvedSubtree(['paths']);
    return true;
  });
  if (!requested) {
    const closed = page.locator('.opblock:not(.is-open) .opblock-summary');
    for (let n = await closed.count(); n > 0; n = await closed.count()) await closed.first().click();
  }
  // Resolution is batched and asynchronous: wait until the spec has every
  // operation resolved (or give up after a while and read what is shown).
  await page
    .waitForFunction(
      (n) => {
        const paths = window.ui?.specSelectors?.specResolvedSubtree(['paths'])?.toJS?.() ?? {};
        const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
        return Object.values(paths).flatMap((item) => Object.keys(item).filter((k) => methods.includes(k))).length >= n;
      },
      specOps.size,
      { timeout: 15_000, polling: 250 },
    )
    .catch(() => {});
  await page.waitForTimeout(500);
  const shown = (await page.locator('.errors-wrapper .errors').allInnerTexts()).join('\n');
  const resolverErrors = [...new Set(shown.split('\n').map((line) => line.trim()).filter(Boolean))];
  if (resolverErrors.length) {
    fail(`with every operation resolved, Swagger UI shows errors about the spec:\n      ${resolverErrors.join('\n      ')}`);
  } else {
    ok('with every operation resolved, Swagger UI shows no errors about the spec');
  }

  // The screenshot shows the last call and its 200.
  await detail.locator('.live-responses-table').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -250));
}

await main().catch((error) => {
  console.log(`FAIL ${error.message}`);
  process.exitCode = 1;
});
