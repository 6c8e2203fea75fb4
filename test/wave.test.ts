/**
 * The WAVE values `--invoke` reads and prints, for the WIT types no guest of ours takes from the
 * command line (variants, enums, options, results, chars, floats, nested lists): each case is
 * read as jco's JS value and printed back to the same text.
 */
import { describe, expect, it } from 'vitest';
import { fromWave, toWave } from '../src/host/wave/wave-values.js';
import { parseWaveCall, parseWaveValue } from '../src/host/wave/wave-syntax.js';
import type { WitType } from '../src/runtime/component-types/index.js';

const p = (primitive: string): WitType => ({ kind: 'primitive', primitive } as WitType);
const shape: WitType = { kind: 'variant', cases: [{ name: 'circle', type: p('f64') }, { name: 'point' }], name: 'shape' };
const color: WitType = { kind: 'enum', cases: ['red', 'true-blue'] };
const perms: WitType = { kind: 'flags', flags: ['read', 'write-all'] };
const item: WitType = { kind: 'record', fields: [{ name: 'item-id', type: p('u64') }, { name: 'note', type: { kind: 'option', some: p('string') } }] };

const CASES: [string, WitType, unknown][] = [
  ['-128', p('s8'), -128],
  ['18446744073709551615', p('u64'), 18446744073709551615n],
  ['-2500.5', p('f64'), -2500.5],
  ['inf', p('f32'), Infinity],
  ["'😀'", p('char'), '😀'],
  ['"tab\\there \\"q\\" \\\\"', p('string'), 'tab\there "q" \\'],
  ['true', p('bool'), true],
  ['circle(1.5)', shape, { tag: 'circle', val: 1.5 }],
  ['point', shape, { tag: 'point' }],
  ['true-blue', color, 'true-blue'],
  ['{read, write-all}', perms, { read: true, writeAll: true }],
  ['{}', perms, { read: false, writeAll: false }],
  ['some(7)', { kind: 'option', some: p('u32') }, 7],
  ['none', { kind: 'option', some: p('u32') }, undefined],
  ['ok(3)', { kind: 'result', ok: p('u8'), err: p('string') }, { tag: 'ok', val: 3 }],
  ['err("no")', { kind: 'result', ok: p('u8'), err: p('string') }, { tag: 'err', val: 'no' }],
  ['[[1, 2], []]', { kind: 'list', element: { kind: 'list', element: p('u16') } }, [[1, 2], []]],
  ['(1, "a")', { kind: 'tuple', items: [p('u8'), p('string')] }, [1, 'a']],
  ['{item-id: 9, note: some("n")}', item, { itemId: 9n, note: 'n' }],
  ['{item-id: 9}', item, { itemId: 9n, note: undefined }],
];

describe('WAVE values', () => {
  it.each(CASES)('%s', (text, type, value) => {
    expect(fromWave(parseWaveValue(text), type)).toEqual(value);
    expect(toWave(value, type)).toBe(text);
  });

  it.each<[string, WitType, string]>([
    ['256', p('u8'), '256 is out of range for u8 (0 to 255)'],
    ['circle', shape, 'expected circle(f64), got circle'],
    ['green', color, 'expected one of red, true-blue, got green'],
    ['{read, exec}', perms, 'unknown flag exec (flags: read, write-all)'],
    ['{note: none}', item, 'missing field item-id'],
    ['[1, "x"]', { kind: 'list', element: p('u8') }, 'at [1]: expected an integer (u8), got "x"'],
    ['{item-id: "9"}', item, 'at .item-id: expected an integer (u64), got "9"'],
  ])('%s is refused: %s', (text, type, message) => {
    expect(() => fromWave(parseWaveValue(text), type)).toThrow(message);
  });

  it('also read: exponents and \\u{...} escapes', () => {
    expect(fromWave(parseWaveValue('-2.5e3'), p('f64'))).toBe(-2500);
    expect(fromWave(parseWaveValue("'\\u{1f600}'"), p('char'))).toBe('😀');
  });

  it('calls: a bare name, a trailing comma, %keyword labels; syntax errors say where', () => {
    expect(parseWaveCall('run')).toEqual({ name: 'run', args: [], parenthesized: false });
    expect(parseWaveCall(' add( 1 , 2, ) ').args).toEqual([{ kind: 'number', text: '1' }, { kind: 'number', text: '2' }]);
    expect(parseWaveCall('f(%true)').args).toEqual([{ kind: 'label', name: 'true' }]);
    expect(() => parseWaveCall('add(1 2)')).toThrow('expected "," or ")" at column 7 ("2)")');
    expect(() => parseWaveCall('add(1) x')).toThrow('unexpected text after the closing ")" at column 8 ("x")');
    expect(() => parseWaveCall('f("abc)')).toThrow('unterminated string');
  });
});
