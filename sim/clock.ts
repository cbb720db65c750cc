/**
 * The simulator's clock: scenario time that can run faster than the wall
 * clock (`speed` scenario-ms per wall-ms). The simulator keeps its own copy
 * of this (it shares only wire schemas with the rest of the system).
 */
export interface SimClock {
  /** Scenario time, epoch milliseconds. */
  now(): number;
  readonly speed: number;
}

export class ScaledClock implements SimClock {
  private readonly wallStart = Date.now();
  constructor(
    private readonly startMs: number,
    readonly speed = 1,
  ) {}
  now(): number {
    return this.startMs + Math.floor((Date.now() - this.wallStart) * this.speed);
  }
}

/** A simulator clock moved only by the test or the headless simulation loop. */
export class SteppedClock implements SimClock {
  readonly speed = Number.POSITIVE_INFINITY;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    if (ms < this.current) throw new RangeError('simulated time cannot go backwards');
    this.current = ms;
  }
  advance(ms: number): void {
    this.set(this.current + ms);
  }
}
