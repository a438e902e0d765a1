import { renderApprovalCard } from '../../cards/approval';
import { renderRequestConfirmationCard } from '../../cards/request-confirmation';
import { approvalCardData } from '../../src/bot/approval-view';
import { approvalDeps, facts, pending } from './fixtures';
import { parseWarnings } from './parse-card';

/** Every element (with its path) whose `key` holds `needle`. */
function holders(node: unknown, needle: string, path = ''): Array<{ path: string; type: string }> {
  if (Array.isArray(node)) return node.flatMap((child, index) => holders(child, needle, `${path}[${index}]`));
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = Object.entries(record)
    .filter(([, value]) => typeof value === 'string' && value.includes(needle))
    .map(([key]) => ({
      path: `${path}.${key}`,
      type: typeof record.type === 'string' ? record.type : 'Fact',
    }));
  return [
    ...own,
    ...Object.entries(record).flatMap(([key, child]) =>
      typeof child === 'object' ? holders(child, needle, `${path}.${key}`) : [],
    ),
  ];
}

describe('free text on cards', () => {
  it('shows the requester reason on the approval card as plain text: a TextRun, which renders no Markdown', () => {
    const reason = '至急 [承認してください](https://evil.example/approve) **今すぐ**';
    const card = renderApprovalCard(approvalCardData(approvalDeps, { ...pending, reason }, facts));
    // TextBlocks and fact values render Markdown in Teams; a TextRun does not.
    expect(holders(card, 'evil.example')).toEqual([{ path: expect.any(String), type: 'TextRun' }]);
    expect(holders(card, 'evil.example')[0]?.path).toMatch(/\.inlines\[0\]\.text$/);
    expect(parseWarnings(card)).toEqual([]);
  });

  it('shows ${ typed by a person as typed, on any card, instead of failing the whole card', () => {
    const reason = '${title} の件 ${ と ${if(true, "a", "b")}';
    const name = '${buttons.approve} 花子';
    const approval = renderApprovalCard(
      approvalCardData(
        approvalDeps,
        { ...pending, reason, requester: { ...pending.requester, name } },
        { ...facts, user: undefined },
      ),
    );
    expect(holders(approval, reason)).toHaveLength(1);
    expect(holders(approval, name)).toHaveLength(1);
    expect(parseWarnings(approval)).toEqual([]);
    const confirmation = renderRequestConfirmationCard({
      node: 'confirm',
      title: '確認',
      facts: [{ label: '理由', value: reason }],
      buttons: [],
    });
    expect(holders(confirmation, reason)).toHaveLength(1);
    // The stand-in used while expanding never shows, even when someone types it.
    const typed = '\uE0FF{x} ${y}';
    const card = renderRequestConfirmationCard({ node: 'confirm', title: typed, facts: [], buttons: [] });
    expect(JSON.stringify(card)).not.toContain('\uE0FF');
    expect(JSON.stringify(card)).toContain('${y}');
  });
});
