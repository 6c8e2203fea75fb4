import { TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BoundedSet } from './bounded-memory.js';
import type { EngineLimits } from './limits.js';
import { HOST_SCOPE_NAME, type OpenSpan } from './open-span.js';
import type { ProblemCounter } from './problems.js';
import { toReadableSpan } from './readable-span.js';
import type { ScopeCache } from './scope-cache.js';
import { exportSpan, type SpanPipeline } from './span-pipeline.js';
import type { SpanReport } from './span-report.js';
import { TraceSampling, type NewTraceStart } from './trace-sampling.js';

/** How many host trace ids an instance remembers (to tell guest root traces from the host's). */
const HOST_TRACES_REMEMBERED = 1024;

/**
 * Where the spans of one guest instance leave: which traces are sampled (the host's, by their
 * flag; the ones the guest side started, by the host's sampler), the export of finished spans
 * to the pipeline, and the journal of open spans that a stopping thread reads.
 */
export class SpanOutlet {
  /** Trace ids of host spans this instance was called under (recent ones). */
  private readonly hostTraces = new BoundedSet<string>(HOST_TRACES_REMEMBERED);
  private readonly sampling: TraceSampling;
  private readonly processorFailed = (error: unknown, span: ReadableSpan): void =>
    this.problems.report('host_error', `span processor failed on span ${span.spanContext().spanId}: ${String(error)}`);

  constructor(
    private readonly pipeline: SpanPipeline,
    private readonly limits: EngineLimits,
    private readonly problems: ProblemCounter,
    private readonly scopes: ScopeCache,
  ) {
    this.sampling = new TraceSampling(pipeline);
  }

  /** The host called into the guest under a span of this trace. */
  noteHostTrace(traceId: string): void {
    this.hostTraces.add(traceId);
  }

  hostKnowsTrace(traceId: string): boolean {
    return this.hostTraces.has(traceId);
  }

  /** A span of a trace the host may not know starts: the sampler decides a new trace once. */
  noteNewTrace(context: SpanContext, start?: NewTraceStart): void {
    if (!this.hostKnowsTrace(context.traceId)) this.sampling.noteNewTrace(context, start);
  }

  /** The sampler's decision for a trace the guest side started. */
  decidedSampled(traceId: string): boolean {
    return this.sampling.decidedSampled(traceId);
  }

  /** Whether an open span with this context will be exported when it ends. */
  wouldExport(context: SpanContext): boolean {
    return this.pipeline.enabled && this.sampling.wouldSample(context, this.hostKnowsTrace(context.traceId));
  }

  /** Exports a finished span, if its trace is sampled. */
  export(report: SpanReport): void {
    if (!this.pipeline.enabled) return;
    const sampled = this.sampling.isSampled(report, this.hostKnowsTrace(report.spanContext.traceId));
    if (!sampled) return;
    exportSpan(this.pipeline, toReadableSpan(report, sampled, this.pipeline.resource, this.limits, this.problems, this.scopes), this.processorFailed);
  }

  private reportDrops(report: SpanReport, linksOverLimit: number): void {
    const id = report.spanContext.spanId;
    if (report.droppedEventsCount > 0) this.problems.report('events_dropped', `span ${id} (${JSON.stringify(report.name)}): ${report.droppedEventsCount} events over the count limit dropped`, report.droppedEventsCount);
    if (linksOverLimit > 0) this.problems.report('links_dropped', `span ${id} (${JSON.stringify(report.name)}): ${linksOverLimit} links over the count limit dropped`, linksOverLimit);
  }

  /** Notes an open span in the pipeline's journal (spans that will be exported only). */
  opened(span: OpenSpan, startTime: HrTime): void {
    const journal = this.pipeline.journal;
    if (journal === undefined) return;
    const context = span.context;
    let sampled = (context.traceFlags & TraceFlags.SAMPLED) !== 0;
    if (!sampled && !this.hostKnowsTrace(context.traceId)) sampled = this.sampling.decidedSampled(context.traceId);
    if (!sampled) return;
    const flagged = (context.traceFlags & TraceFlags.SAMPLED) !== 0;
    span.journal = journal.opened({
      context: flagged ? context : { ...context, traceFlags: context.traceFlags | TraceFlags.SAMPLED },
      parentSpanId: span.parentSpanId,
      name: span.name,
      kind: span.kind,
      startTime,
      scope: span.managed?.scope ?? HOST_SCOPE_NAME,
    });
  }

  /**
   * Exports a span that was open, then takes it out of the journal: a thread that stops this one
   * in between finds it in both, and keeps the exported one.
   */
  exportClosing(report: SpanReport, span: OpenSpan | undefined): void {
    // A managed span's dropped counts are the host's own drops (a guest's span data carries its own).
    if (span?.managed) this.reportDrops(report, span.managed.droppedLinks);
    try {
      this.export(report);
    } finally {
      if (span && span.journal >= 0) {
        this.pipeline.journal?.closed(span.journal);
        span.journal = -1;
      }
    }
  }
}
