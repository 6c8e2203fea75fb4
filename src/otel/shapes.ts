/**
 * The published shapes of `wasi:otel` this host serves, and how a component's imports say which
 * one it was built against. A shape is recognised by the structure of the functions a component
 * imports (names, parameter names and types, from generated/shape-signatures.json, which is read
 * from the WIT in wit/), not only by the version string: a component built against a version we
 * have not seen (`0.2.0-rc.2+patch`, `0.2.0-rc.3`) is served as the shape its functions match.
 *
 * jco reads imports by unversioned name, so one import object serves every shape; the per-call
 * differences (typed vs JSON values, one- vs two-argument `on-start`) are handled per call. The
 * shape decides one thing: what `current-span-context` means.
 */
import type { FuncSignature } from '../runtime/component-types/index.js';
import { signatureStructureHash, signatureText } from '../runtime/component-types/index.js';
import { servedSignatures } from '../runtime/served-signatures.js';

/** The shapes, in the order they were published. */
export const WASI_OTEL_SHAPES = ['draft-2025-03', 'draft-2025-11', 'draft-2025-12', 'rc.1', 'rc.2', 'main'] as const;
export type OtelShapeName = (typeof WASI_OTEL_SHAPES)[number];

/** What the host needs to know about a component's wasi:otel imports. */
export interface OtelShape {
  /** The shape the component's imports match. */
  name: OtelShapeName;
  /** The wasi:otel package version the component imports (`0.2.0-rc.2`). */
  version: string;
  /**
   * True when `current-span-context` is draft-2025-03's ("the host's current span": the span
   * around the call); false for main's ("the most recently entered span", guest spans included).
   */
  currentSpanIsHostSpan: boolean;
  /** Set when the version is not the shape's own: how the shape was chosen (said at OTEL_LOG_LEVEL=info). */
  recognisedBy?: string;
}

type KnownShape = ReturnType<typeof servedSignatures>['shapes'][number] & { shape: OtelShapeName };

/** Package versions we know, and the shapes published under each. */
export const SUPPORTED_OTEL_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  '0.2.0-draft': 'draft-2025-03, draft-2025-11, draft-2025-12',
  '0.2.0-rc.1': 'rc.1',
  '0.2.0-rc.2': 'rc.2 and upstream main',
});

/** The shapes' functions, generated from wit/. */
function knownShapes(): KnownShape[] {
  return servedSignatures().shapes as KnownShape[];
}

/**
 * Checks the wasi:otel imports of a component: its imported interfaces (versioned names, e.g.
 * `wasi:otel/tracing@0.2.0-rc.2`) with the functions it uses. Returns the shape (undefined when it
 * imports no wasi:otel), or a message naming what matches no shape this host serves.
 */
export function otelShapeOf(imports: Readonly<Record<string, Readonly<Record<string, FuncSignature>>>>): { shape: OtelShape | undefined } | { error: string } {
  const used: { iface: string; version: string; functions: Readonly<Record<string, FuncSignature>> }[] = [];
  for (const [name, functions] of Object.entries(imports)) {
    const match = /^wasi:otel\/([^@]+)(?:@(.+))?$/.exec(name);
    if (match) used.push({ iface: match[1]!, version: match[2] ?? '', functions });
  }
  if (used.length === 0) return { shape: undefined };
  const version = (used.find((u) => u.iface === 'tracing') ?? used[0]!).version;
  const hashes = used.map((u) => ({ ...u, hashes: Object.entries(u.functions).map(([fn, signature]) => [fn, signatureStructureHash(signature)] as const) }));
  const matches = knownShapes().filter((shape) =>
    hashes.every((u) => {
      const functions = shape.interfaces[u.iface];
      return functions !== undefined && u.hashes.every(([fn, hash]) => functions[fn]?.structure === hash);
    }),
  );
  if (matches.length === 0) return { error: mismatchMessage(hashes) };
  // The structure decides; the version only breaks a tie: the first shape published under that
  // version, else the newest shape that matches.
  // (Build metadata, `+patch`, does not make another version: semver ignores it.)
  const sameVersion = matches.filter((shape) => shape.version === version.replace(/\+.*$/, ''));
  const chosen = sameVersion[0] ?? matches[matches.length - 1]!;
  const shape: OtelShape = { name: chosen.shape, version, currentSpanIsHostSpan: chosen.shape === 'draft-2025-03' };
  if (version !== chosen.version) {
    shape.recognisedBy = `wasi:otel@${version || '(no version)'} is not a version this host knows; its functions match the ${chosen.shape} shape (wasi:otel@${chosen.version})`;
  }
  return { shape };
}

function mismatchMessage(used: { iface: string; version: string; functions: Readonly<Record<string, FuncSignature>>; hashes: (readonly [string, string])[] }[]): string {
  const shapes = knownShapes();
  const problems: string[] = [];
  for (const u of used) {
    const name = `wasi:otel/${u.iface}${u.version ? `@${u.version}` : ''}`;
    if (!shapes.some((shape) => shape.interfaces[u.iface])) {
      problems.push(`${name} (no shape has this interface)`);
      continue;
    }
    const unmatched = u.hashes.filter(([fn, hash]) => !shapes.some((shape) => shape.interfaces[u.iface]?.[fn]?.structure === hash)).map(([fn]) => fn);
    const listed = unmatched.length > 0 ? unmatched : u.hashes.map(([fn]) => fn);
    problems.push(`${name} with ${listed.map((fn) => `${fn}: ${signatureText(u.functions[fn]!)}`).join(', ')}`);
  }
  const supported = Object.entries(SUPPORTED_OTEL_VERSIONS)
    .map(([version, names]) => `${version} (${names})`)
    .join(', ');
  return (
    `imports ${problems.join('; ')}, which match${problems.length === 1 ? 'es' : ''} no shape this host serves; ` +
    `supported: wasi:otel/{types,tracing,metrics,logs} at ${supported}`
  );
}
