/** The words that make a review a pass or a fail, when `[loop.handoff]` names none (`pass_words`, `fail_words`). */
export const DEFAULT_PASS_WORDS: readonly string[] = ['PASS', 'approve', 'approved', 'LGTM'];
export const DEFAULT_FAIL_WORDS: readonly string[] = ['FAIL', 'reject', 'rejected', 'veto'];
