import { TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BoundedSet } from './bounded-memory.js';
import { FunctionSpanBatch } from './function-span-batch.js';
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

  /** Exports a finished span (or a batch of function spans), if its trace is sampled. */
  export(report: SpanReport | FunctionSpanBatch): void {
    if (!this.pipeline.enabled) return;
    if (report instanceof FunctionSpanBatch) {
      this.exportBatch(report);
      return;
    }
    const sampled = this.sampling.isSampled(report, this.hostKnowsTrace(report.spanContext.traceId));
    if (!sampled) return;
    exportSpan(this.pipeline, toReadableSpan(report, sampled, this.pipeline.resource, this.limits, this.problems, this.scopes), this.processorFailed);
  }

  /**
   * The spans of a batch of function calls: all on the trace of the span they hang from. In a
   * trace the host started every span follows that span's flag, so the batch is decided once and
   * its spans share one scope, resource and flags. In a trace the sampler decides, each span goes
   * the general way (its first root span decides the trace).
   */
  private exportBatch(batch: FunctionSpanBatch): void {
    const base = batch.base;
    if (!this.hostKnowsTrace(base.traceId)) {
      for (let i = 0; i < batch.count; i++) this.export(batch.reportAt(i));
      return;
    }
    if ((base.traceFlags & TraceFlags.SAMPLED) === 0) return;
    const { resource, spanProcessor } = this.pipeline;
    const scope = this.scopes.scopeOf(batch.scope);
    const shared = batch.shared(resource, scope);
    for (let i = 0; i < batch.count; i++) {
      const span = batch.hasGrowth(i) ? toReadableSpan(batch.reportAt(i), true, resource, this.limits, this.problems, this.scopes) : batch.spanAt(i, shared, this.problems);
      try {
        spanProcessor.onEnd(span);
      } catch (error) {
        this.processorFailed(error, span);
      }
    }
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
