import { statSync } from 'node:fs';
import type { ProblemCounter } from '../engine/index.js';
import { fsReason } from '../runtime/fs-reason.js';

/**
 * What a valid value of a configuration variable is. `check` gets the value as set (not empty)
 * and returns true when it is valid, else false or a few words saying what is wrong with it.
 */
export interface ConfigRule {
  /** Follows "is not": `a whole number >= 1`. */
  expected: string;
  /** `env`: the rest of the environment, for a rule that depends on another variable. */
  check(text: string, env: NodeJS.ProcessEnv): boolean | string;
}

/** A finite number (JavaScript's Number(), as the SDK's getNumberFromEnv reads it) passing `ok`. */
function numberRule(expected: string, ok: (value: number) => boolean): ConfigRule {
  return {
    expected,
    check: (text) => {
      const value = Number(text);
      return text.trim() !== '' && Number.isFinite(value) && ok(value);
    },
  };
}

/** One of `values`, in any case (the specification's enums are case-insensitive). */
export function oneOf(values: readonly string[]): ConfigRule {
  return { expected: `one of ${values.join(', ')}`, check: (text) => values.includes(text.trim().toLowerCase()) };
}

/**
 * A comma-separated list of `key=value`, keys and values percent-encoded (the W3C baggage
 * format OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS use). With `oneEquals`, an
 * unencoded `=` in a value is an error too (OTEL_RESOURCE_ATTRIBUTES; headers take the first `=`).
 * The problem names the entry by its position, not its text (headers carry credentials).
 */
function keyValueList(what: string, options: { oneEquals: boolean; valueRequired: boolean; maxLength?: number }): ConfigRule {
  return {
    expected: `a comma-separated list of ${what}`,
    check: (text) => {
      const entries = text.split(',');
      for (const [index, entry] of entries.entries()) {
        if (entry.trim() === '') continue;
        const at = `entry ${index + 1}`;
        const eq = entry.indexOf('=');
        if (eq < 0) return `${at} has no "="`;
        if (options.oneEquals && entry.indexOf('=', eq + 1) >= 0) return `${at} has a second "=" (percent-encode it as %3D)`;
        const key = entry.slice(0, eq).trim();
        const value = entry.slice(eq + 1).trim();
        if (key === '') return `${at} has no key`;
        if (options.valueRequired && value === '') return `${at} has no value`;
        let decoded: [string, string];
        try {
          decoded = [decodeURIComponent(key), decodeURIComponent(value)];
        } catch {
          return `${at} is not valid percent-encoding`;
        }
        if (options.maxLength !== undefined && decoded.some((part) => part.length > options.maxLength!)) return `${at} is longer than ${options.maxLength} characters`;
      }
      return true;
    },
  };
}

export const RULES = {
  any: { expected: 'set', check: () => true },
  count: numberRule('a whole number >= 1', (value) => Number.isInteger(value) && value >= 1),
  limit: numberRule('a whole number >= 0', (value) => Number.isInteger(value) && value >= 0),
  delay: numberRule('a number of milliseconds >= 0', (value) => value >= 0),
  timeout: numberRule('a number of milliseconds > 0', (value) => value > 0),
  ratio: numberRule('a number from 0 to 1', (value) => value >= 0 && value <= 1),
  micros: numberRule('a number of microseconds >= 0', (value) => value >= 0),
  recordBytes: numberRule('a whole number of bytes >= 1024', (value) => Number.isInteger(value) && value >= 1024),
  boolean: oneOf(['true', 'false']),
  /** The path of a file that can be read (relative to the working directory, as the OTLP exporters read it). */
  file: {
    expected: 'a file that can be read',
    check: (text) => {
      try {
        return statSync(text).isFile() ? true : 'not a file';
      } catch (error) {
        return fsReason(error, 'file');
      }
    },
  },
  headers: keyValueList('name=value', { oneEquals: false, valueRequired: true }),
  resourceAttributes: keyValueList('key=value', { oneEquals: true, valueRequired: false, maxLength: 255 }),
} satisfies Record<string, ConfigRule>;

  /**
 * An OTLP endpoint: an http:// or https:// URL, or for gRPC also `host:port` (TLS unless
 * OTEL_EXPORTER_OTLP_INSECURE says otherwise), as the gRPC exporters take it.
 */
export function endpointRule(signal?: string): ConfigRule {
  return {
    expected: 'an http:// or https:// URL',
    check: (text, env) => {
      const protocol = ((signal && env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]?.trim()) || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || '').toLowerCase();
      if (protocol === 'grpc' && /^[^\s/:]+:\d+$/.test(text.trim())) return true;
      try {
        return ['http:', 'https:'].includes(new URL(text.trim()).protocol);
      } catch {
        return false;
      }
    },
  };
}

/**
 * `NAME="value" is not <expected>[ (<what is wrong>)]; <outcome>`, the one way a bad value is
 * reported. A secret value (headers) is not shown.
 */
export function badValueMessage(name: string, text: string, rule: ConfigRule, detail: string | false, outcome: string, secret = false): string {
  const shown = secret ? name : `${name}=${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`;
  return `${shown} is not ${rule.expected}${typeof detail === 'string' ? ` (${detail})` : ''}; ${outcome}`;
}

/**
 * A number variable read and checked: its value, or `fallback` when it is unset, empty or not
 * valid (reported as `invalid_config`, `using <fallback>`).
 */
export function checkedNumber(name: string, rule: ConfigRule, fallback: number, problems: ProblemCounter, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const verdict = rule.check(text, env);
  if (verdict === true) return Number(text);
  problems.report('invalid_config', badValueMessage(name, text, rule, verdict, `using ${fallback}`));
  return fallback;
}
