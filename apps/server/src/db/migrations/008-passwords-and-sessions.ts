// People sign in with a name and a password (auth/passwords.ts hashes it with scrypt), and a
// sign-in gives the browser a session: an api_tokens row of kind 'session', which expires and
// which sign-out revokes. Bearer tokens for scripts, the CLI and peers stay kind 'api'. A
// disabled user keeps their rows and grants but no token of theirs is accepted.
export const passwordsAndSessionsSchema = `
ALTER TABLE users ADD COLUMN password_hash text;
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session'));
`;
