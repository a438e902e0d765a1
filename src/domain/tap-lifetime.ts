/**
 * How long a Temporary Access Pass may live. One rule for the setting, the approval card, the
 * approver's typed lifetime, the reset plan and the Graph call, so changing
 * HELPDESK_TAP_MAX_LIFETIME_MINUTES moves all of them at once.
 */

/**
 * Graph's range for `lifetimeInMinutes` (temporaryAccessPassAuthenticationMethod); the tenant's
 * pass policy may narrow it further, and Graph answers 400 for a lifetime outside that policy.
 */
export const GRAPH_TAP_LIFETIME = { minMinutes: 10, maxMinutes: 43_200 } as const;

/**
 * A pass is a strong credential handed over on a call: a working day is the longest it may live,
 * whatever the tenant's pass policy would allow (up to 30 days).
 */
export const TAP_MAX_LIFETIME_CEILING_MINUTES = 480;

/** The maximum when none is configured, and what the card offers first when the maximum allows it. */
export const TAP_DEFAULT_LIFETIME_MINUTES = 60;

export interface TapLifetimeRule {
  /** Graph's floor. */
  readonly minMinutes: number;
  /** The configured maximum, in whole minutes within Graph's range. */
  readonly maxMinutes: number;
  /** What the approval card offers before the approver types anything. */
  readonly defaultMinutes: number;
  /**
   * Whole minutes between the floor and the maximum. Nothing asked gives the maximum (a decision
   * recorded before approvers could choose).
   */
  clamp(requested: number | undefined): number;
  /**
   * The approver's typed lifetime: empty gives the card's default; a value that is not a whole
   * number, or is under Graph's floor, is refused (`undefined`); a value above the maximum is
   * clamped to it rather than refused, because the configured ceiling always wins.
   */
  readTyped(text: string): number | undefined;
}

/** The rule for a configured maximum (`Config.tapMaxLifetimeMinutes`). */
export function tapLifetime(configuredMaximum: number): TapLifetimeRule {
  const minMinutes = GRAPH_TAP_LIFETIME.minMinutes;
  const maxMinutes = Math.min(
    GRAPH_TAP_LIFETIME.maxMinutes,
    Math.max(minMinutes, Number.isFinite(configuredMaximum) ? Math.floor(configuredMaximum) : minMinutes),
  );
  const defaultMinutes = Math.min(TAP_DEFAULT_LIFETIME_MINUTES, maxMinutes);
  const clamp = (requested: number | undefined): number => {
    const wanted =
      requested === undefined || !Number.isFinite(requested) ? maxMinutes : Math.floor(requested);
    return Math.min(maxMinutes, Math.max(minMinutes, wanted));
  };
  return {
    minMinutes,
    maxMinutes,
    defaultMinutes,
    clamp,
    readTyped(text) {
      const typed = text.trim();
      const minutes = typed === '' ? defaultMinutes : Number(typed);
      if (!Number.isInteger(minutes) || minutes < minMinutes) return undefined;
      return clamp(minutes);
    },
  };
}

/** min(requested, configured maximum), whole minutes, never under Graph's 10-minute floor. */
export function tapLifetimeMinutes(requested: number | undefined, maximum: number): number {
  return tapLifetime(maximum).clamp(requested);
}

/** What Graph accepts at all; the adapter refuses anything else before calling. */
export function isGraphTapLifetime(minutes: number): boolean {
  return (
    Number.isInteger(minutes) &&
    minutes >= GRAPH_TAP_LIFETIME.minMinutes &&
    minutes <= GRAPH_TAP_LIFETIME.maxMinutes
  );
}
