/** Pacing LINE calls to a rate (news pushes, notifications): strictly, on the injected clock. */
import type { Deps } from '../deps.ts';

/** Strict pacing: call n may start no earlier than start + n / rate. */
export class Pacer {
  private next = 0;
  constructor(
    private readonly deps: Pick<Deps, 'clock' | 'sleep'>,
    private readonly ratePerSecond: number,
  ) {}
  async take(): Promise<void> {
    if (!Number.isFinite(this.ratePerSecond)) return;
    const now = this.deps.clock.now();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / this.ratePerSecond;
    if (slot > now) await this.deps.sleep(slot - now);
  }
}
