import { getNode, ROOT_NODE, diagnosisMap, type NodeId } from '../../src/domain/diagnosis-map';

export interface Choice {
  node: NodeId;
  value: string;
}

/** The nodes a person sees after choosing an option: advice passes through to what follows it. */
export function shownAfter(next: NodeId): { shown: NodeId[]; landing: NodeId } {
  const shown: NodeId[] = [];
  let current = next;
  for (let guard = 0; guard < 50; guard++) {
    shown.push(current);
    const node = getNode(current);
    if (node.kind !== 'advice') return { shown, landing: current };
    current = node.next;
  }
  throw new Error(`advice chain from ${next} does not end`);
}

/** The shortest list of button presses from the first question to a node being shown. */
export function pathTo(target: NodeId): Choice[] {
  const queue: Array<{ at: NodeId; choices: Choice[] }> = [{ at: ROOT_NODE, choices: [] }];
  const seen = new Set<NodeId>([ROOT_NODE]);
  while (queue.length > 0) {
    const { at, choices } = queue.shift() as { at: NodeId; choices: Choice[] };
    const node = getNode(at);
    if (node.kind !== 'question') continue;
    for (const option of node.options) {
      const { shown, landing } = shownAfter(option.next);
      const path = [...choices, { node: at, value: option.value }];
      if (shown.includes(target)) return path;
      if (!seen.has(landing)) {
        seen.add(landing);
        queue.push({ at: landing, choices: path });
      }
    }
  }
  throw new Error(`no path reaches ${target}`);
}

export function submit(choice: Choice): { value: { kind: 'diag'; node: NodeId; value: string } } {
  return { value: { kind: 'diag', node: choice.node, value: choice.value } };
}

export const questionIds = (): NodeId[] =>
  [...diagnosisMap.values()].filter((node) => node.kind === 'question').map((node) => node.id);
