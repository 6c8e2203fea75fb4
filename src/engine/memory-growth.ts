import type { HrTime } from '@opentelemetry/api';
import { eventAttributes, type AttributeBuilder } from './attribute-builder.js';
import type { EngineLimits } from './limits.js';
import type { EventReport } from './span-report.js';

/* `memory.grow` as span events and totals (instrumented core modules' `memory-grow` hook). */

export const MEMORY_GROW_EVENT = 'memory.grow';
export const MEMORY_GROW_PAGES = 'wasm.memory.grow.pages';
export const MEMORY_GROW_BYTES = 'wasm.memory.grow.bytes';
export const MEMORY_GROWN_PAGES_TOTAL = 'wasm.memory.grow.total_pages';
export const MEMORY_GROWN_BYTES_TOTAL = 'wasm.memory.grow.total_bytes';
export const PAGE_BYTES = 65536;

/** The attributes of one `memory.grow` event. */
export function growthAttributes(pages: number, limits: EngineLimits): AttributeBuilder {
  const attributes = eventAttributes(limits);
  attributes.add(MEMORY_GROW_PAGES, pages);
  attributes.add(MEMORY_GROW_BYTES, pages * PAGE_BYTES);
  return attributes;
}

/** The totals a span carries when memory grew inside it. */
export function addGrowthTotals(attributes: AttributeBuilder, pages: number): void {
  attributes.add(MEMORY_GROWN_PAGES_TOTAL, pages);
  attributes.add(MEMORY_GROWN_BYTES_TOTAL, pages * PAGE_BYTES);
}

/** What a function call's recorded growth becomes: events (up to the event count limit; the rest counted) and the total. */
export interface Growth {
  events: EventReport[];
  pages: number;
  dropped: number;
}

/** Shared by every call without growth: frozen to the last level (a span adding events to it would add them to all). */
export const NO_GROWTH: Readonly<Growth> = Object.freeze({ events: Object.freeze([]) as unknown as EventReport[], pages: 0, dropped: 0 });

/** `growth` holds (performance.now(), pages) pairs; `timeOf` turns such a moment into a time. */
export function growthEvents(growth: readonly number[], timeOf: (perf: number) => HrTime, limits: EngineLimits): Growth {
  if (growth.length === 0) return NO_GROWTH;
  const events: EventReport[] = [];
  let pages = 0;
  let dropped = 0;
  for (let i = 0; i < growth.length; i += 2) {
    pages += growth[i + 1]!;
    if (events.length >= limits.eventCountLimit) {
      dropped++;
      continue;
    }
    events.push({ name: MEMORY_GROW_EVENT, time: timeOf(growth[i]!), attributes: growthAttributes(growth[i + 1]!, limits) });
  }
  return { events, pages, dropped };
}
