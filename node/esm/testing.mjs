// ESM entry point of `coldmailreseller/testing` (re-exports the CommonJS build).
import cjs from '../dist/testing.js';

export const { Sandbox, startSandbox, CONTROL_OPS, eventLoopDriver } = cjs;
export default cjs;
