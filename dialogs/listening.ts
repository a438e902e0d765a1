import {
  diagnosisMap,
  getNode,
  ROOT_NODE,
  successorsOf,
  type ChoiceOption,
  type ListenTopic,
  type NodeId,
  type QuestionNode,
} from '../src/domain/diagnosis-map';
import { extractHexCodes, isSeedErrorId, recogniseErrors } from '../src/domain/error-codes';
import { mentionedOptions, type Candidate } from './answers';

/**
 * What the person has typed so far that answers a question of the diagnosis, by topic: option values
 * only, never their words, so dialog state keeps nothing they wrote.
 */
export type Heard = Partial<Record<ListenTopic, string>>;

function topicNode(topic: ListenTopic): QuestionNode | undefined {
  for (const node of diagnosisMap.values()) {
    if (node.kind === 'question' && node.listensFor === topic) return node;
  }
  return undefined;
}

/**
 * The words of both languages (people type English in a Japanese chat and the reverse) that answer an
 * option from any step: its `mentions` where it has them, as its `matches` may hold a bare "yes".
 */
function candidatesOf(node: QuestionNode | undefined): Array<Candidate<string>> {
  return (node?.options ?? []).map((option) => {
    const words = option.mentions ?? option.matches;
    return { value: option.value, words: [...words.ja, ...words.en] };
  });
}

function rootNode(): QuestionNode {
  const root = getNode(ROOT_NODE);
  if (root.kind !== 'question') throw new Error('the diagnosis must start with a question');
  return root;
}

/** The first question's "lost or stolen" option: a security event, whatever else was said. */
function lostOption(): ChoiceOption | undefined {
  return rootNode().options.find((option) => option.sets?.lostOrStolen === true);
}

/**
 * Which error the text names. Phrases that fit every error (「エラーが発生しました」) do not count here:
 * they are asked about. An error code the seeds do not explain answers "another error".
 */
function errorHeard(text: string): string | undefined {
  const node = topicNode('errorCode');
  if (!node) return undefined;
  const [first] = recogniseErrors(text, { generic: false });
  if (first !== undefined && node.options.some((option) => option.value === first)) return first;
  if (extractHexCodes(text).length === 0) return undefined;
  return node.options.find((option) => !isSeedErrorId(option.value))?.value;
}

/**
 * What happened, from a sentence that may say several things. A lost or stolen phone comes first (a
 * security event), then asking for someone else (the bot acts only for the sender), then an error
 * (its advice is the most specific); otherwise the one situation the text names.
 */
function situationHeard(normalised: string, errorNamed: boolean): string | undefined {
  const root = rootNode();
  const mentioned = mentionedOptions(normalised, candidatesOf(root));
  const lost = lostOption();
  if (lost && mentioned.includes(lost.value)) return lost.value;
  const colleague = root.options.find((option) => option.sets?.forColleague === true);
  if (colleague && mentioned.includes(colleague.value)) return colleague.value;
  const error = root.options.find((option) => option.sets?.situation === 'S3');
  if (errorNamed && error) return error.value;
  return mentioned.length === 1 ? mentioned[0] : undefined;
}

/**
 * Everything a typed message answers, whichever question it was typed at. `text` is what was typed,
 * `normalised` its normaliseTypedText() form. Numbers in a list ("2") are never read here: they only
 * mean something at the question that showed the list.
 */
export function hear(text: string, normalised: string): Heard {
  // "No, it was stolen": the leading "no" answers the question asked, it does not negate the rest.
  const sentence = normalised.replace(/^(?:no|nope|nah|いいえ|いや)[\s,、。.!！]+/u, '');
  const heard: Heard = {};
  const errorCode = errorHeard(text);
  if (errorCode !== undefined) heard.errorCode = errorCode;
  const situation = situationHeard(sentence, errorCode !== undefined);
  if (situation !== undefined) heard.situation = situation;
  for (const topic of ['account', 'companyPhone'] as const) {
    // A sentence naming both answers ("work and personal") answers neither.
    const [only, ...others] = mentionedOptions(sentence, candidatesOf(topicNode(topic)));
    if (only !== undefined && others.length === 0) heard[topic] = only;
  }
  return heard;
}

/** True when `later` says something `earlier` did not. */
export function saysMore(earlier: Heard, later: Heard): boolean {
  return (Object.keys(later) as ListenTopic[]).some((topic) => later[topic] !== earlier[topic]);
}

/** The answer to `node` that the person already gave, if any. */
export function heardAnswer(node: QuestionNode, heard: Heard): ChoiceOption | undefined {
  const topic = node.listensFor;
  if (topic === undefined) return undefined;
  if (topic === 'oldPhone') {
    // "I lost it" answers "do you still have the old phone?" and turns the walk to the lost path.
    const lost = lostOption();
    return lost && heard.situation === lost.value ? lost : undefined;
  }
  const value = heard[topic];
  return value === undefined ? undefined : node.options.find((option) => option.value === value);
}

let filingNodes: ReadonlySet<NodeId> | undefined;

/**
 * True when the walk from `id` can still end in a reset request (starting over does not count: it is
 * a new diagnosis). Only then is a number typed along the way kept for the intake.
 */
export function canStillFile(id: NodeId): boolean {
  filingNodes ??= nodesReachingFiling();
  return filingNodes.has(id);
}

function nodesReachingFiling(): ReadonlySet<NodeId> {
  const reaching = new Set<NodeId>();
  for (const node of diagnosisMap.values()) {
    if (node.kind === 'end' && node.outcome === 'file-request') reaching.add(node.id);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const node of diagnosisMap.values()) {
      if (reaching.has(node.id)) continue;
      const next = successorsOf(node).filter((id) => id !== ROOT_NODE);
      if (next.some((id) => reaching.has(id))) {
        reaching.add(node.id);
        grew = true;
      }
    }
  }
  return reaching;
}

/** What a heard answer must say for each topic; "lost" is a situation that answers the old-phone question. */
const HEARD_KEY: Readonly<Record<ListenTopic, ListenTopic>> = {
  situation: 'situation',
  account: 'account',
  errorCode: 'errorCode',
  oldPhone: 'situation',
  companyPhone: 'companyPhone',
};

/** The heard topics the questions after `id` can use (starting over is a new diagnosis). */
export function topicsAhead(id: NodeId): Set<ListenTopic> {
  const topics = new Set<ListenTopic>();
  const seen = new Set<NodeId>([id, ROOT_NODE]);
  const queue = successorsOf(getNode(id)).filter((next) => !seen.has(next));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const node = getNode(next);
    if (node.kind === 'question' && node.listensFor) topics.add(HEARD_KEY[node.listensFor]);
    queue.push(...successorsOf(node));
  }
  return topics;
}
