/**
 * The kernel's export list. Every op lives in its own file under `ops/`; this barrel is what
 * the TypeScript engine sees as `instance.exports`.
 */
export { heap_base } from './memory';
