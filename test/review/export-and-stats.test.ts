import { csvCell, toCsv } from '../../src/review/export-csv';
import { createHash } from 'node:crypto';
import { escapeHtml, renderHtmlExport } from '../../src/review/export-html';
import { computeStats, median, parseDiagnosisLog, percentile } from '../../src/review/stats';
import { parseDateArg } from '../../src/review/queries';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+81 90', `'+81 90`],
    ['-1', `'-1`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `"'\rcmd"`],
    ['山田 花子', '山田 花子'],
    ['a,b', '"a,b"'],
    ['two\nlines', '"two\nlines"'],
    // Full-width forms typed with a Japanese IME, and formulas behind leading whitespace.
    ['＝HYPERLINK("x")', `"'＝HYPERLINK(""x"")"`],
    ['＋81 90', `'＋81 90`],
    ['－1', `'－1`],
    ['＠SUM(A1)', `'＠SUM(A1)`],
    [' =1+1', `' =1+1`],
    ['\u3000＝1+1', `'\u3000＝1+1`],
    ['\u00a0@SUM(A1)', `'\u00a0@SUM(A1)`],
    ['\n=1+1', `"'\n=1+1"`],
    ['  二行目 - 説明', '"  二行目 - 説明"'],
  ])('%j is written as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('a file starts with the UTF-8 BOM and uses CRLF', () => {
    expect(toCsv(['a'], [['日本語']])).toBe('\uFEFFa\r\n日本語\r\n');
  });
});

describe('HTML escaping', () => {
  it('escapes markup in data', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    );
  });
});

describe('HTML export', () => {
  it('carries a Content-Security-Policy that allows no script and only its own stylesheet', () => {
    const html = renderHtmlExport([], {
      title: 'Export',
      generatedAt: '2026-11-23T00:00:00Z',
      timeZone: 'UTC',
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(
      (csp ?? '').split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.has('script-src')).toBe(false);
    // The one inline stylesheet is allowed by its hash, so an injected <style> would not apply.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(directives.get('style-src')).toEqual([`'sha256-${hash}'`]);
    // Before anything the policy governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });
});

describe('statistics helpers', () => {
  it('median and nearest-rank 90th percentile', () => {
    expect(median([])).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
  });

  it('reads only "diagnosis finished" lines of a JSON log', () => {
    const log = [
      '{"level":30,"msg":"diagnosis finished","endNode":"end.resolved","outcome":"resolved"}',
      'not json diagnosis finished',
      '{"level":30,"msg":"audit chain head","auditHead":{"seq":1,"hash":"x"}}',
    ].join('\n');
    expect(parseDiagnosisLog(log)).toEqual([{ endNode: 'end.resolved', outcome: 'resolved' }]);
  });
});

describe('date filters', () => {
  it('a day is midnight in the configured zone; until includes the whole day', () => {
    expect(parseDateArg('2026-11-23', 'Asia/Tokyo')?.toISOString()).toBe('2026-11-22T15:00:00.000Z');
    expect(parseDateArg('2026-11-23', 'Asia/Tokyo', true)?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(parseDateArg('2026-11-23T01:02:03Z', 'Asia/Tokyo')?.toISOString()).toBe(
      '2026-11-23T01:02:03.000Z',
    );
    expect(parseDateArg('tomorrow', 'Asia/Tokyo')).toBeUndefined();
  });
});

describe('self-service statistics sources', () => {
  it('uses the recorded outcomes when there are any, and falls back to transcripts for older data', () => {
    const outcomes = [
      {
        at: '2026-11-23T00:00:00Z',
        endNode: 'end.resolved',
        outcome: 'resolved' as const,
        path: 'start>changed.oldPhone>work.selfService',
        locale: 'ja' as const,
      },
      {
        at: '2026-11-23T00:01:00Z',
        endNode: 'end.unresolved',
        outcome: 'unresolved' as const,
        path: 'start>changed.oldPhone>work.selfService',
        locale: 'en' as const,
      },
      {
        at: '2026-11-23T00:02:00Z',
        endNode: 'work.request',
        outcome: 'file-request' as const,
        path: 'start>changed.oldPhone>work.otherMethod>work.admin',
        locale: 'ja' as const,
      },
    ];
    const recorded = computeStats([], [], undefined, outcomes);
    expect(recorded.selfService.source).toBe('outcomes');
    const selfService = recorded.selfService.byPath.find((rate) => rate.path.endsWith('work.selfService'));
    expect(selfService).toMatchObject({ total: 2, resolved: 1, unresolved: 1, resolutionRate: 0.5 });
    expect(computeStats([], [], undefined, []).selfService.source).toBe('transcripts');
  });
});
