import { odata, type TableClient } from '@azure/data-tables';
import type { DiagnosisOutcome, DiagnosisOutcomes } from '../../ports/diagnosis-outcomes';
import { storageCall } from './azure-errors';
import { orderedKey } from './entity-text';

const PARTITION = 'outcome';

/** Diagnosis outcomes as table entities whose row keys keep the order they were recorded in. */
export class AzureDiagnosisOutcomes implements DiagnosisOutcomes {
  constructor(private readonly table: TableClient) {}

  async record(outcome: DiagnosisOutcome): Promise<void> {
    await storageCall('Recording a diagnosis outcome failed.', () =>
      this.table.createEntity({ partitionKey: PARTITION, rowKey: orderedKey(), ...outcome }),
    );
  }

  list(range: { since?: Date; until?: Date } = {}): Promise<DiagnosisOutcome[]> {
    const since = range.since?.toISOString() ?? '';
    const until = range.until?.toISOString() ?? '9999';
    return storageCall('Reading diagnosis outcomes failed.', async () => {
      const outcomes: DiagnosisOutcome[] = [];
      const rows = this.table.listEntities<DiagnosisOutcome>({
        queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and at ge ${since} and at lt ${until}` },
      });
      for await (const row of rows) {
        outcomes.push({
          at: row.at,
          endNode: row.endNode,
          outcome: row.outcome,
          path: row.path,
          locale: row.locale,
        });
      }
      return outcomes;
    });
  }
}
