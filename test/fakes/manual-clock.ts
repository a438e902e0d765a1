const MINUTE = 60_000;

/** A clock the tests move by hand: expiry, reminders and the pass lifetime without real waiting. */
export class ManualClock {
  private at: number;

  /** Starts at the real time unless told otherwise: Graph (the emulator) stamps passes with its own clock. */
  constructor(start: Date = new Date()) {
    this.at = start.getTime();
  }

  now = (): Date => new Date(this.at);

  advance(minutes: number): void {
    this.at += minutes * MINUTE;
  }
}
