/**
 * Who was shown a Temporary Access Pass, and until when that pass works, shared by every bot
 * instance on one store: the instance that shows a pass is rarely the one that receives the next
 * message. It holds a person's id and a time only, never the pass or anything derived from it, so
 * nothing here helps anyone recover a pass.
 */
export interface PassWindows {
  /** `userAadObjectId` was shown a pass that works until `until`; a later `until` already stored stays. */
  open(userAadObjectId: string, until: Date): Promise<void>;
  /** When the last pass shown to `userAadObjectId` stops working, or undefined if none was shown. */
  openUntil(userAadObjectId: string): Promise<Date | undefined>;
}
