import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'bin', 'wasm-otel.js');
export const component = (name: string): string => join(ROOT, 'components', name);
