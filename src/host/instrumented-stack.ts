import { FunctionNames } from '../core/function-names.js';
import type { CoreModuleInfo } from '../core/module-info.js';
import { ENABLED_GLOBAL, HOOK_MODULE, INSTRUMENTED_MODULE_NAME } from '../runtime/instrument/instrument-options.js';

/** A frame of the rewritten module in a V8 stack: `    at <name> (wasm://wasm/wasm-otel-instrumented-<hash>:wasm-function[<i>]:0x<offset>)`. */
const FRAME = new RegExp(`^(\\s*at )(?:(.*) \\()?(wasm://wasm/${INSTRUMENTED_MODULE_NAME}-[0-9a-f]+:wasm-function\\[(\\d+)\\]:0x[0-9a-f]+)\\)?$`);

/**
 * For a module rewritten by wasm-otel's instrumenter: a function that corrects the function names
 * of its frames in an error's stack. Its `name` section maps the hooks' indices (the original
 * module's), while the engine names a frame by the rewritten module's index, 3 higher for every
 * defined function (the hook imports come first); so the engine's names are off by 3.
 * Undefined for any other module.
 */
export function instrumentedStackFixer(info: CoreModuleInfo): ((error: unknown) => void) | undefined {
  if (!info.exports.some((entry) => entry.name === ENABLED_GLOBAL && entry.kind === 'global')) return undefined;
  const hooks = info.functionImports.filter((fn) => fn.module === HOOK_MODULE);
  const first = hooks[0]?.index;
  if (first === undefined) return undefined;
  const names = new FunctionNames(info.functionNames);
  const nameOf = (index: number): string => {
    if (index < first) return names.nameOf(index);
    if (index < first + hooks.length) return `${HOOK_MODULE}#${hooks[index - first]!.name}`;
    return names.nameOf(index - hooks.length);
  };
  return (error) => {
    if (!(error instanceof Error) || typeof error.stack !== 'string' || !error.stack.includes(INSTRUMENTED_MODULE_NAME)) return;
    error.stack = error.stack
      .split('\n')
      .map((line) => {
        const frame = FRAME.exec(line);
        return frame ? `${frame[1]}${nameOf(Number(frame[4]))} (${frame[3]})` : line;
      })
      .join('\n');
  };
}
