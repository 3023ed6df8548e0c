// ESM entry point of `coldmailreseller/testing` (re-exports the CommonJS build).
import cjs from '../dist/testing.js';

export const { Sandbox, startSandbox } = cjs;
export default cjs;
