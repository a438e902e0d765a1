import type { DiagnosisOutcome, DiagnosisOutcomes } from '../../ports/diagnosis-outcomes';
import { asPromise } from './as-promise';
import type { SqliteDatabase } from './database';

interface Row {
  at: string;
  end_node: string;
  outcome: DiagnosisOutcome['outcome'];
  path: string;
  locale: DiagnosisOutcome['locale'];
}

export class SqliteDiagnosisOutcomes implements DiagnosisOutcomes {
  private readonly insert;
  private readonly select;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare<[string, string, string, string, string]>(
      'INSERT INTO diagnosis_outcomes (at, end_node, outcome, path, locale) VALUES (?, ?, ?, ?, ?)',
    );
    this.select = db.prepare<[string, string], Row>(
      'SELECT at, end_node, outcome, path, locale FROM diagnosis_outcomes WHERE at >= ? AND at < ? ORDER BY seq',
    );
  }

  record(outcome: DiagnosisOutcome): Promise<void> {
    return asPromise(() => {
      this.insert.run(outcome.at, outcome.endNode, outcome.outcome, outcome.path, outcome.locale);
    });
  }

  list(range: { since?: Date; until?: Date } = {}): Promise<DiagnosisOutcome[]> {
    return asPromise(() =>
      this.select.all(range.since?.toISOString() ?? '', range.until?.toISOString() ?? '9999').map((row) => ({
        at: row.at,
        endNode: row.end_node,
        outcome: row.outcome,
        path: row.path,
        locale: row.locale,
      })),
    );
  }
}
