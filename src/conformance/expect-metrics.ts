/**
 * A scenario's expected metrics against the received ones: each found by name (in order), then
 * its type, temporality and monotonicity, description, unit, scope, resource and every point
 * (attributes, times, value or histogram fields, exemplars) exactly. Metrics left over with a
 * guest's scope or an expected name fail `no other metrics`.
 */
import type { OtlpMetric, OtlpMetricPoint } from './otlp-metrics-logs.js';
import type { ResultList } from './expect-results.js';
import { checkAttributes } from './expect-span-lists.js';
import { checkScope } from './expect-span-fields.js';
import { sameAttributes, sameValue, showAttributes, showValue, toOtlpAttributes, toOtlpValue, unwrap } from './expect-values.js';
import type { OtlpValue } from './otlp-values.js';
import { isHostSpecific, type ExpectedMetric, type ExpectedPoint, type ExpectedScope, type Scenario } from './scenario.js';

const TEMPORALITY = { delta: 1, cumulative: 2 } as const;

export function checkMetrics(scenario: Scenario, metrics: readonly OtlpMetric[], results: ResultList): void {
  const expectedMetrics = scenario.metrics ?? [];
  const taken = new Set<OtlpMetric>();
  for (const expected of expectedMetrics) {
    const what = (text: string) => `metric "${expected.name}" ${text}`;
    const found = metrics.find((m) => !taken.has(m) && m.name === expected.name);
    results.add(what('arrives'), found !== undefined, 'a metric of that name', found ? 'arrived' : 'none', expected.hostSpecific);
    if (!found) continue;
    taken.add(found);
    checkMetricFields(expected, found, results, what);
  }
  const scopes = new Set(expectedMetrics.map((m) => scopeName(m.scope)).filter((n) => n !== undefined));
  const unexpected = metrics.filter((m) => !taken.has(m) && (scopes.has(m.scope.name) || expectedMetrics.some((e) => e.name === m.name)));
  results.add('no other metrics', unexpected.length === 0, 'none', unexpected.length === 0 ? 'none' : unexpected.map((m) => JSON.stringify(m.name)).join(', '));
}

function scopeName(scope: ExpectedMetric['scope']): string | undefined {
  if (scope === undefined) return undefined;
  return isHostSpecific(scope) ? (scope.expected as ExpectedScope | undefined)?.name : scope.name;
}

function kindText(m: { type: string; temporality?: number | string | undefined; isMonotonic?: boolean | undefined }): string {
  const temporality = typeof m.temporality === 'number' ? (['unspecified', 'delta', 'cumulative'][m.temporality] ?? String(m.temporality)) : m.temporality;
  return [temporality, m.isMonotonic === undefined ? undefined : m.isMonotonic ? 'monotonic' : 'non-monotonic', m.type].filter((p) => p !== undefined).join(' ');
}

function checkMetricFields(expected: ExpectedMetric, metric: OtlpMetric, results: ResultList, what: (text: string) => string): void {
  const hs = expected.hostSpecific;
  const wantKind = kindText(expected);
  const gotKind = kindText({ type: metric.type, temporality: expected.temporality === undefined ? undefined : metric.temporality, isMonotonic: expected.isMonotonic === undefined ? undefined : metric.isMonotonic });
  const kindOk = metric.type === expected.type && (expected.temporality === undefined || metric.temporality === TEMPORALITY[expected.temporality]) && (expected.isMonotonic === undefined || metric.isMonotonic === expected.isMonotonic);
  results.add(what(`is a ${wantKind}`), kindOk, wantKind, gotKind, hs);
  for (const [name, field, got] of [['description', expected.description, metric.description], ['unit', expected.unit, metric.unit]] as const) {
    if (field === undefined) continue;
    const value = unwrap(field);
    if (value.value === undefined) results.note(what(name), value.hostSpecific!, JSON.stringify(got));
    else results.add(what(`${name} is ${JSON.stringify(value.value)}`), got === value.value, JSON.stringify(value.value), JSON.stringify(got), hs ?? value.hostSpecific);
  }
  if (expected.scope !== undefined) checkScope(what('scope'), expected.scope, metric.scope, results, hs);
  if (expected.resource !== undefined) checkAttributes(what, expected.resource, metric.resource, results, hs, 'resource attribute');
  results.add(what(`has ${expected.points.length} point${expected.points.length === 1 ? '' : 's'}`), metric.points.length === expected.points.length, String(expected.points.length), String(metric.points.length), hs);
  expected.points.forEach((point, i) => {
    const got = metric.points[i];
    if (!got) return;
    const problems = pointProblems(point, got);
    const label = point.attributes !== undefined && !isHostSpecific(point.attributes) ? showAttributes(toOtlpAttributes(point.attributes)) : `#${i + 1}`;
    results.add(what(`point ${label}`), problems.length === 0, problems.map((p) => p.want).join('; '), problems.length === 0 ? 'as expected' : problems.map((p) => p.got).join('; '), hs);
  });
}

/** The fields of a point that differ, each as `field want` / `field got`. */
function pointProblems(point: ExpectedPoint, got: OtlpMetricPoint): { want: string; got: string }[] {
  const problems: { want: string; got: string }[] = [];
  const compare = (field: string, want: OtlpValue | undefined, have: OtlpValue | undefined): void => {
    if (want === undefined) return;
    if (!sameValue(want, have ?? null)) problems.push({ want: `${field} ${showValue(want)}`, got: `${field} ${showValue(have)}` });
  };
  const attributes = unwrap(point.attributes ?? {}).value;
  if (attributes !== undefined && !sameAttributes(toOtlpAttributes(attributes), got.attributes)) {
    problems.push({ want: `attributes ${showAttributes(toOtlpAttributes(attributes))}`, got: `attributes ${showAttributes(got.attributes)}` });
  }
  const nanos = (field: typeof point.start) => {
    const value = field === undefined ? undefined : unwrap(field).value;
    return value === undefined ? undefined : BigInt(value);
  };
  compare('start', nanos(point.start), got.startTimeUnixNano);
  compare('time', nanos(point.time), got.timeUnixNano);
  const number = (v: { asInt: bigint } | { asDouble: number } | null | undefined): OtlpValue | undefined => (v == null ? null : 'asInt' in v ? v.asInt : v.asDouble);
  compare('value', point.value === undefined ? undefined : toOtlpValue(point.value), number(got.value));
  compare('count', point.count === undefined ? undefined : toOtlpValue(point.count), got.count);
  for (const field of ['sum', 'min', 'max'] as const) compare(field, point[field] === undefined ? undefined : toOtlpValue(point[field]!), got[field] ?? null);
  compare('bounds', point.bounds?.map((b) => b), got.explicitBounds);
  compare('bucket counts', point.bucketCounts?.map(BigInt), got.bucketCounts);
  compare('scale', point.scale === undefined ? undefined : point.scale, got.scale);
  compare('zero count', point.zeroCount === undefined ? undefined : BigInt(point.zeroCount), got.zeroCount);
  compare('zero threshold', point.zeroThreshold, got.zeroThreshold);
  for (const side of ['positive', 'negative'] as const) {
    const want = point[side];
    if (want) compare(side, [want.offset, want.bucketCounts.map(BigInt)], got[side] ? [got[side]!.offset, got[side]!.bucketCounts] : null);
  }
  if (point.exemplars !== undefined) {
    const want = point.exemplars.map((e) => [e.filteredAttributes ? toOtlpAttributes(e.filteredAttributes) : null, e.time === undefined ? null : BigInt(e.time), e.value === undefined ? null : toOtlpValue(e.value), e.traceId ?? null, e.spanId ?? null]);
    const have = got.exemplars.map((e, i) => {
      const w = point.exemplars![i];
      return [w?.filteredAttributes ? e.filteredAttributes : null, w?.time === undefined ? null : e.timeUnixNano, w?.value === undefined ? null : number(e.value) ?? null, w?.traceId === undefined ? null : e.traceId, w?.spanId === undefined ? null : e.spanId];
    });
    compare('exemplars', want as OtlpValue, have as OtlpValue);
  }
  return problems;
}
