// Value checks for the Node SDK scripts: each prints one line, and `finish` exits 1 if any failed.
const { isDeepStrictEqual, inspect } = require('node:util');

class Checks {
  constructor(sdk) {
    this.sdk = sdk;
    this.passed = 0;
    this.failed = [];
  }

  equal(what, actual, expected) {
    if (isDeepStrictEqual(actual, expected)) {
      this.passed += 1;
      console.log(`ok   ${what}`);
    } else {
      this.failed.push(what);
      console.log(`FAIL ${what}: expected ${inspect(expected)}, got ${inspect(actual)}`);
    }
  }

  true(what, value) {
    this.equal(what, Boolean(value), true);
  }

  finish() {
    console.log(`${this.sdk}: ${this.passed} checks passed, ${this.failed.length} failed`);
    process.exit(this.failed.length ? 1 : 0);
  }
}

// The HTTP status of the error `call` rejects with (and its body), or a description of what it resolved to.
async function failure(call) {
  try {
    const result = await call();
    return [`no error (resolved ${inspect(result)})`, null];
  } catch (raw) {
    // xero-node rejects with the JSON text of {response: {statusCode, body}}; @sinch/sdk-core with an Error.
    let e = raw;
    try {
      if (typeof raw === 'string') e = JSON.parse(raw);
    } catch {
      return [`no status: ${raw}`, null];
    }
    const status = e.statusCode ?? e.response?.statusCode ?? e.response?.status ?? `no status: ${e.message}`;
    const body = e.data ?? e.response?.body ?? e.body ?? null;
    return [status, typeof body === 'string' ? body : JSON.stringify(body)];
  }
}

module.exports = { Checks, failure };
