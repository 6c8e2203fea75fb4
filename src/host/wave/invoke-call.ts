/**
 * `--invoke` as wasmtime takes it: `name` or `name(arg, ...)` with WAVE arguments, read against
 * the export's WIT signature; and the result written back as WAVE.
 */
import { signatureText, type FuncSignature } from '../../runtime/component-types/index.js';
import { argumentCountProblem } from '../argument-check.js';
import { WasmOtelError } from '../errors.js';
import { parseWaveCall, type WaveCall } from './wave-syntax.js';
import { fromWave, toWave, WaveValueError } from './wave-values.js';

export { WaveSyntaxError } from './wave-syntax.js';

/** Parses `--invoke`'s text; a syntax error is a WaveSyntaxError saying where. */
export function parseInvoke(text: string): WaveCall {
  return parseWaveCall(text);
}

/** The JS arguments of `call` for an export of `signature`, or an `invalid_arguments` error naming the parameter. */
export function invokeArguments(guest: string, call: WaveCall, signature: FuncSignature): unknown[] {
  const { params } = signature;
  const usage = `${call.name}: ${signatureText(signature)}`;
  if (call.args.length !== params.length) {
    const example = `--invoke '${call.name}(${params.map((p) => `<${p.name}>`).join(', ')})'`;
    throw new WasmOtelError('invalid_arguments', `${guest}: ${argumentCountProblem(call.name, params, call.args.length)}${params.length > 0 ? `: ${example}` : ''}`);
  }
  return params.map((param, index) => {
    try {
      return fromWave(call.args[index]!, param.type);
    } catch (error) {
      if (!(error instanceof WaveValueError)) throw error;
      const [place, reason] = error.message.startsWith('at ') ? splitPlace(error.message) : ['', error.message];
      throw new WasmOtelError('invalid_arguments', `${guest}: argument ${param.name}${place}: ${reason}; ${usage}`);
    }
  });
}

/** The result of an export as WAVE text, or undefined when it returns nothing. */
export function invokeResult(value: unknown, signature: FuncSignature): string | undefined {
  return signature.result ? toWave(value, signature.result) : undefined;
}

/** `at .trace-id[0]: expected ...` -> [`.trace-id[0]`, `expected ...`] */
function splitPlace(message: string): [string, string] {
  const colon = message.indexOf(': ');
  return colon < 0 ? ['', message] : [message.slice(3, colon), message.slice(colon + 2)];
}

type CoreType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

/** The JS arguments of `call` for a core function export (i32 and f32/f64 as numbers, i64 as BigInt). */
export function coreInvokeArguments(guest: string, call: WaveCall, signature: { params: readonly CoreType[] }): unknown[] {
  const { params } = signature;
  const shape = `${call.name}: func(${params.join(', ')})`;
  if (call.args.length !== params.length) {
    throw new WasmOtelError('invalid_arguments', `${guest}: ${call.name} takes ${params.length === 0 ? 'no arguments' : `${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')})`}, got ${call.args.length}`);
  }
  return params.map((type, index) => {
    const node = call.args[index]!;
    const refuse = (why: string): never => {
      throw new WasmOtelError('invalid_arguments', `${guest}: argument ${index + 1} (${type}): ${why}; ${shape}`);
    };
    if (node.kind !== 'number') return refuse(`expected a number, got ${node.kind === 'string' ? JSON.stringify(node.value) : node.kind}`);
    if (type === 'f32' || type === 'f64') return fromWave(node, { kind: 'primitive', primitive: 'f64' });
    if (type !== 'i32' && type !== 'i64') return refuse('this type cannot be given on the command line');
    if (!/^[-+]?\d+$/.test(node.text)) return refuse(`expected an integer, got ${node.text}`);
    const value = BigInt(node.text);
    const bits = type === 'i32' ? 32n : 64n;
    // Either reading of the bits: signed from -2^(n-1), unsigned up to 2^n - 1.
    if (value < -(2n ** (bits - 1n)) || value > 2n ** bits - 1n) return refuse(`${node.text} is out of range for ${type}`);
    return type === 'i32' ? Number(BigInt.asIntN(32, value)) : BigInt.asIntN(64, value);
  });
}

/** A core function's result(s) as text: one value, or a tuple for several; undefined for none. */
export function coreInvokeResult(value: unknown, results: readonly CoreType[]): string | undefined {
  const text = (v: unknown) => (typeof v === 'number' ? toWave(v, { kind: 'primitive', primitive: 'f64' }) : String(v));
  if (results.length === 0) return undefined;
  if (results.length === 1) return text(value);
  return `(${(value as unknown[]).map(text).join(', ')})`;
}
