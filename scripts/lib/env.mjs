// What the browser checks (scripts/*-ui.mjs) share: their settings come
// from the environment that their shell script sets.

/** The variable's value, or `fallback`; exits 2 naming it when neither is set. */
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`FAIL: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

/** The service under test: its base URL without a trailing slash, and its origin. */
export function service() {
  const base = env('BASE_URL').replace(/\/$/, '');
  return { BASE_URL: base, ORIGIN: new URL(base).origin };
}
