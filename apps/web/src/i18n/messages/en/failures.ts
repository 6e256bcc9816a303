// English text for failures the server explains with data (shared error-details.ts); part of
// en.ts. English normally shows the server's own sentence; these are used when it has none.
const failures = {
  /** One bad field of a VALIDATION_FAILED; {field} is the field's name as the UI says it. */
  issues: {
    too_big_characters: '{field} is too long: at most {limit} characters',
    too_big_items: '{field} has too many entries: at most {limit}',
    too_big_value: '{field} is too large: at most {limit}',
    too_small_characters: '{field} is too short: at least {limit} characters',
    too_small_items: '{field} needs at least {limit} entries',
    too_small_value: '{field} is too small: at least {limit}',
    empty: '{field} must not be empty',
    invalid_type: '{field} is missing or has the wrong type',
    invalid_format: '{field} is not in the right format',
    invalid_value: '{field} must be one of: {values}',
    unrecognized_keys: 'unknown fields: {values}',
    other: '{field} is not valid',
    separator: '; ',
    wholeRequest: 'the request',
  },
  /** Failures with a `reason`; {…} are the server's params. */
  reasons: {
    user_exists: 'A user named "{name}" already exists; pick another name.',
    uid_exists: 'A {collection} with this id already exists; use another id.',
    sync_already_running:
      'A sync of this repository with {peer} is already running; wait for it to finish or cancel it.',
    cron_invalid: '"{expression}" is not a valid schedule; use 5 fields, such as "*/15 * * * *".',
    cron_never_runs: 'The schedule "{expression}" never runs; pick one with future times.',
    cron_too_frequent:
      'The schedule "{expression}" runs more often than once a minute; the shortest interval is 1 minute.',
    scopes_invalid: 'Scopes must be chosen from: {allowed}.',
    missing_references:
      'It refers to rows the server does not have yet; they are sent first, then this is sent again.',
    body_too_large: 'This is larger than the server accepts ({limit} bytes); shorten it and try again.',
    version_mismatch:
      'Someone changed this on the server since you read it; nothing was saved. Compare with their version, then save again.',
  },
  /** The collection names a `uid_exists` speaks of. */
  things: { repository: 'repository', task: 'task', document: 'document' },
};

export default failures;
