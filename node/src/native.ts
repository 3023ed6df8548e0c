/**
 * The native addon (napi-rs, `bindings/node`), loaded once.
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import native = require('../native/index.js');

export = native;
