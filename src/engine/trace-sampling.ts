import { ROOT_CONTEXT, SpanKind, TraceFlags, type AttributeValue, type Attributes, type Link, type SpanContext } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import { BoundedMap } from './bounded-memory.js';
import type { LinkReport, SpanReport } from './span-report.js';

/** What is known of the first span of a new trace when it starts. */
export interface NewTraceStart {
  name?: string;
  kind?: SpanKind;
  attributes?: readonly [string, AttributeValue][];
  links?: readonly LinkReport[];
}

/**
 * Decides whether a guest span is exported.
 *
 * - A span in a trace the host knows (the host span's trace) follows its own sampled flag.
 * - A trace the guest started itself (a guest root span) is decided once by the host's sampler,
 *   when the host first sees that trace: at `on-start` of its first span (only the trace id is
 *   known then, which is all the built-in samplers look at), or at `on-end` of a root span never
 *   announced by `on-start` (then with its name, kind, attributes and links). Every span of that
 *   trace follows the same decision, so a trace is never exported half.
 * - If the first span seen of a new trace turns out to have a parent (a remote parent the guest
 *   propagated), the trace is not a guest root: its spans follow their own flags.
 */
export class TraceSampling {
  /** Per trace the host does not own: the sampler's decision, or 'flags' (spans follow their own flag). */
  private readonly decisions: BoundedMap<string, { sampled: boolean | 'flags'; firstSpanId: string }>;

  /** `pipeline.sampler` is read at each decision (the host's provider may change between calls). */
  constructor(
    private readonly pipeline: { readonly sampler: Sampler },
    maxTraces = 1024,
  ) {
    this.decisions = new BoundedMap(maxTraces);
  }

  /**
   * Called at on-start of a span whose trace the host did not know (with what is known of the
   * span then: a managed root span has its name, kind, attributes and links).
   */
  noteNewTrace(context: SpanContext, start?: NewTraceStart): void {
    if (this.decisions.has(context.traceId)) return;
    const links: Link[] = (start?.links ?? []).map((link) => ({ context: link.context, attributes: link.attributes.values }));
    const attributes: Attributes = {};
    for (const [key, value] of start?.attributes ?? []) attributes[key] = value;
    this.remember(context.traceId, {
      sampled: this.ask(context.traceId, start?.name ?? '', start?.kind ?? SpanKind.INTERNAL, attributes, links),
      firstSpanId: context.spanId,
    });
  }

  /** Whether a span with this context, still open, will be exported (as isSampled decides at its end). */
  wouldSample(context: SpanContext, hostKnowsTrace: boolean): boolean {
    const ownFlag = (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    if (hostKnowsTrace) return ownFlag;
    const decided = this.decisions.get(context.traceId)?.sampled;
    return decided === undefined || decided === 'flags' ? ownFlag : decided;
  }

  /** The decision recorded for a trace the guest (or a managed root span) started. */
  decidedSampled(traceId: string): boolean {
    return this.decisions.get(traceId)?.sampled === true;
  }

  /** Whether a finished span is exported. */
  isSampled(report: SpanReport, hostKnowsTrace: boolean): boolean {
    const context = report.spanContext;
    const parentSpanId = report.parentSpanId;
    const ownFlag = (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    if (hostKnowsTrace) return ownFlag;
    const decided = this.decisions.get(context.traceId);
    if (decided) {
      if (decided.sampled === 'flags') return ownFlag;
      if (decided.firstSpanId === context.spanId && parentSpanId !== undefined) {
        // Not a root after all: the guest continued a remote trace.
        decided.sampled = 'flags';
        return ownFlag;
      }
      return decided.sampled;
    }
    if (parentSpanId !== undefined) {
      this.remember(context.traceId, { sampled: 'flags', firstSpanId: context.spanId });
      return ownFlag;
    }
    const links: Link[] = report.links.map((link) => ({ context: link.context, attributes: link.attributes.values }));
    const sampled = this.ask(context.traceId, report.name, report.kind, report.attributes.values, links);
    this.remember(context.traceId, { sampled, firstSpanId: context.spanId });
    return sampled;
  }

  private ask(traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): boolean {
    const result = this.pipeline.sampler.shouldSample(ROOT_CONTEXT, traceId, name, kind, attributes, links);
    return result.decision === SamplingDecision.RECORD_AND_SAMPLED;
  }

  private remember(traceId: string, decision: { sampled: boolean | 'flags'; firstSpanId: string }): void {
    this.decisions.set(traceId, decision);
  }
}
