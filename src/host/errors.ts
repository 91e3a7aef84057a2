/**
 * Errors host code throws when retrying cannot help, as plain Error subclasses with a stable
 * `code`: src/host knows nothing of Temporal. At the activity boundary src/activities/failures.ts
 * turns each code into the `ApplicationFailure` type the workflow reads (`InvalidInput`, not
 * retried). Any other host error stays a plain Error, which Temporal retries.
 */
export type HostErrorCode = 'InvalidInput';

export class HostError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** Input no retry can make valid: an unsafe tmux session name. */
export class InvalidInputError extends HostError {
  constructor(message: string) {
    super('InvalidInput', message);
    this.name = 'InvalidInputError';
  }
}
