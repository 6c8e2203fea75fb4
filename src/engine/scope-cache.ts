import type { Attributes } from '@opentelemetry/api';
import type { ScopeReport } from './span-report.js';

/** An instrumentation scope as the OTel SDK's exporters read it (attributes are exported when present). */
export type Scope = { name: string; version?: string; schemaUrl?: string; attributes?: Attributes; droppedAttributesCount?: number };

const MAX_CACHED = 1024;
const scopes = new Map<string, Scope>();
let lastScope: Scope | undefined;

/**
 * One object per distinct scope: most telemetry shares a few scopes, and the OTLP log
 * serializer groups records by the identity of their scope object.
 */
export function scopeOf(report: ScopeReport): Scope {
  let hasAttributes = false;
  for (const _key in report.attributes.values) {
    hasAttributes = true;
    break;
  }
  if (!hasAttributes) {
    const last = lastScope;
    if (last && last.attributes === undefined && last.name === report.name && last.version === report.version && last.schemaUrl === report.schemaUrl) {
      return last;
    }
  }
  const key = `${report.name}\u0000${report.version ?? ''}\u0000${report.schemaUrl ?? ''}${hasAttributes ? `\u0000${attributesKey(report.attributes.values)}` : ''}`;
  const cached = scopes.get(key);
  if (cached) return (lastScope = cached);
  const scope: Scope = { name: report.name };
  if (report.version !== undefined) scope.version = report.version;
  if (report.schemaUrl !== undefined) scope.schemaUrl = report.schemaUrl;
  if (hasAttributes) scope.attributes = report.attributes.values;
  if (scopes.size < MAX_CACHED) scopes.set(key, scope);
  return (lastScope = scope);
}

function attributesKey(values: Attributes): string {
  return JSON.stringify(values, (_key, value: unknown) => (value instanceof Uint8Array ? `bytes:${Buffer.from(value).toString('base64')}` : value));
}
