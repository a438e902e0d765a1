import type { DiagnosisOutcome } from '../../src/ports/diagnosis-outcomes';
import { useBackend, type ContractBackend } from './backend';

function outcome(at: string, overrides: Partial<DiagnosisOutcome> = {}): DiagnosisOutcome {
  return {
    at,
    endNode: 'S1a.work.noMfa',
    outcome: 'resolved',
    path: 'start>S1a>work',
    locale: 'ja',
    ...overrides,
  };
}

/** `DiagnosisOutcomes`: what the self-service statistics count, oldest first over a half-open range. */
export function outcomesContract(backend: ContractBackend): void {
  describe(`${backend.name}: diagnosis outcomes`, () => {
    const ctx = useBackend(backend);

    it('lists what was recorded, oldest first, since inclusive and until exclusive', async () => {
      const outcomes = ctx.stores.outcomes;
      const peer = (await ctx.peer()).outcomes;
      const jan2 = outcome('2025-01-02T00:00:00.000Z', { outcome: 'file-request', locale: 'en' });
      const jan1 = outcome('2025-01-01T00:00:00.000Z');
      const jan3 = outcome('2025-01-03T00:00:00.000Z', { outcome: 'refer-helpdesk', endNode: 'S4' });
      // Recorded in time order, as the bot records them (at = now).
      await outcomes.record(jan1);
      await peer.record(jan2);
      await outcomes.record(jan3);

      expect(await outcomes.list()).toEqual([jan1, jan2, jan3]);
      expect(await outcomes.list({ since: new Date(jan2.at) })).toEqual([jan2, jan3]);
      expect(await outcomes.list({ until: new Date(jan2.at) })).toEqual([jan1]);
      expect(await outcomes.list({ since: new Date(jan1.at), until: new Date(jan3.at) })).toEqual([
        jan1,
        jan2,
      ]);
      expect(await outcomes.list({ since: new Date('2026-01-01T00:00:00Z') })).toEqual([]);
    });
  });
}
