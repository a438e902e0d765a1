/**
 * What a Temporary Access Pass looks like from the outside, for catching one pasted back into the
 * chat by someone who was just shown it, without knowing the pass itself.
 *
 * Graph's pass policy allows lengths of 8 to 48 characters, drawn from printable ASCII. A pass
 * retyped through a Japanese IME may come out in full width, so those forms count too.
 */

/** The shortest pass the tenant's pass policy can issue (Graph: `defaultLength` 8-48). */
export const PASS_MIN_LENGTH = 8;

/**
 * Which kind of pass character this is: printable ASCII other than the space, or its full-width
 * form (U+FF01-U+FF5E). A run never mixes the two, so the full-width ？ that ends a Japanese
 * question stays out of the pass pasted right after it.
 */
function passCharacterWidth(character: string): 'ascii' | 'wide' | undefined {
  const code = character.charCodeAt(0);
  if (character.length !== 1) return undefined;
  if (code > 0x20 && code < 0x7f) return 'ascii';
  if (code >= 0xff01 && code <= 0xff5e) return 'wide';
  return undefined;
}

/**
 * Every run of pass characters at least `PASS_MIN_LENGTH` long, exactly as written, so the caller
 * can redact each one. Anything that could be a pass is returned: English words and URLs too,
 * which is the price of never missing one.
 */
export function passShapedRuns(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  let runWidth: 'ascii' | 'wide' | undefined;
  const close = (): void => {
    if (run.length >= PASS_MIN_LENGTH) runs.push(run);
    run = '';
  };
  for (const character of text) {
    const width = passCharacterWidth(character);
    if (width !== runWidth) close();
    runWidth = width;
    if (width !== undefined) run += character;
  }
  close();
  return runs;
}
