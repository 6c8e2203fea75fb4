import type { Attributes, Counter, Gauge, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { ProblemCounter } from './problems.js';

/** A measurement a guest reported by name (core modules' statsd lines), for host-side instruments. */
export interface GuestMeasurement {
  name: string;
  /** counter: monotonic sum; gauge: last value; histogram: distribution; set: count of distinct members (a gauge). */
  kind: 'counter' | 'gauge' | 'histogram' | 'set';
  unit: string | undefined;
  value: number;
  /** Gauges: add `value` to the last value instead of setting it. */
  delta: boolean;
  /** Sets: the member seen. */
  member: string;
  attributes: Attributes;
}

/** A guest metric by name: its kind and unit (fixed at first use) and the SDK instrument of the current meter. */
type Instrument = { kind: GuestMeasurement['kind']; unit: string | undefined; meter?: Meter; counter?: Counter; gauge?: Gauge; histogram?: Histogram };

/** OTel's instrument name syntax; other names are refused (the SDK would drop them with a warning). */
const INSTRUMENT_NAME = /^[A-Za-z][A-Za-z0-9_./-]{0,254}$/;
/** Distinct members remembered per set and attribute set; more are counted as bad input. */
const MAX_SET_MEMBERS = 10_000;
/** Gauge values / sets remembered per instrument (attribute combinations). */
const MAX_SERIES = 2_000;

/**
 * Host-side OTel instruments for measurements guests report by name: created on first use from
 * the host's meter provider (one instrument per name; a name reused with another kind or unit is
 * refused), aggregated and exported by the provider's readers like the app's own metrics.
 *
 * `meterProvider` is asked at every measurement (the global one may be registered, swapped or
 * removed by the app at any time): when it is another provider than last time, the instruments
 * are made again from its meter as they are next used. What a guest's names mean (kind, unit)
 * and the state of its gauges and sets carry over.
 */
export class GuestInstruments {
  private provider: MeterProvider | undefined;
  private meter: Meter | undefined;
  private readonly instruments = new Map<string, Instrument>();
  /** Last value of each gauge series (for `+N` / `-N`), by name and attributes. */
  private readonly gaugeValues = new Map<string, Map<string, number>>();
  private readonly setMembers = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly meterProvider: () => MeterProvider,
    private readonly scope: string,
    private readonly problems: ProblemCounter,
  ) {}

  record(measurement: GuestMeasurement): void {
    const known = this.instrumentFor(measurement);
    if (!known) return;
    const instrument = this.bound(known, measurement.name);
    const { value, attributes } = measurement;
    switch (measurement.kind) {
      case 'counter':
        if (value < 0) {
          this.problems.report('invalid_metric', `counter ${measurement.name}: negative increment ${value} ignored (counters only go up; use a gauge)`);
          return;
        }
        instrument.counter!.add(value, attributes);
        return;
      case 'histogram':
        instrument.histogram!.record(value, attributes);
        return;
      case 'gauge': {
        const series = this.seriesOf(this.gaugeValues, measurement.name);
        const key = seriesKey(attributes);
        const last = series.get(key);
        const next = measurement.delta ? (last ?? 0) + value : value;
        if (last !== undefined || series.size < MAX_SERIES) series.set(key, next);
        instrument.gauge!.record(next, attributes);
        return;
      }
      case 'set': {
        const series = this.seriesOf(this.setMembers, measurement.name);
        const key = seriesKey(attributes);
        let members = series.get(key);
        if (!members) {
          if (series.size >= MAX_SERIES) {
            this.problems.report('invalid_metric', `set ${measurement.name}: more than ${MAX_SERIES} attribute combinations; ignored`);
            return;
          }
          series.set(key, (members = new Set()));
        }
        if (!members.has(measurement.member)) {
          if (members.size >= MAX_SET_MEMBERS) {
            this.problems.report('invalid_metric', `set ${measurement.name}: more than ${MAX_SET_MEMBERS} distinct members; the count stops there`);
            return;
          }
          members.add(measurement.member);
        }
        instrument.gauge!.record(members.size, attributes);
        return;
      }
    }
  }

  private instrumentFor(m: GuestMeasurement): Instrument | undefined {
    const known = this.instruments.get(m.name);
    if (known) {
      if (known.kind === m.kind && known.unit === m.unit) return known;
      this.problems.report('invalid_metric', `metric ${m.name} is a ${describe(known)}; a ${describe(m)} measurement of it is ignored`);
      return undefined;
    }
    if (!INSTRUMENT_NAME.test(m.name)) {
      this.problems.report('invalid_metric', `metric name ${JSON.stringify(m.name)} is not a valid instrument name (a letter, then up to 254 of A-Z a-z 0-9 _ . / -)`);
      return undefined;
    }
    const instrument: Instrument = { kind: m.kind, unit: m.unit };
    this.instruments.set(m.name, instrument);
    return instrument;
  }

  /** The instrument with its SDK instrument from the current meter provider's meter. */
  private bound(instrument: Instrument, name: string): Instrument {
    const meter = this.currentMeter();
    if (instrument.meter === meter) return instrument;
    const options = instrument.unit !== undefined ? { unit: instrument.unit } : {};
    instrument.meter = meter;
    if (instrument.kind === 'counter') instrument.counter = meter.createCounter(name, options);
    else if (instrument.kind === 'histogram') instrument.histogram = meter.createHistogram(name, options);
    else instrument.gauge = meter.createGauge(name, instrument.kind === 'set' ? { ...options, description: 'distinct members seen' } : options);
    return instrument;
  }

  private currentMeter(): Meter {
    const provider = this.meterProvider();
    if (provider !== this.provider || this.meter === undefined) {
      this.provider = provider;
      this.meter = provider.getMeter(this.scope);
    }
    return this.meter;
  }

  private seriesOf<T>(maps: Map<string, Map<string, T>>, name: string): Map<string, T> {
    let series = maps.get(name);
    if (!series) maps.set(name, (series = new Map()));
    return series;
  }
}

function describe(m: { kind: string; unit: string | undefined }): string {
  return m.unit ? `${m.kind} (unit ${m.unit})` : m.kind;
}

function seriesKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
