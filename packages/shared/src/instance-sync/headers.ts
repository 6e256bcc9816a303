// Header names and capability names of the instance-sync wire, in one place so that sender
// and receiver cannot drift apart.
export const SYNC_HEADERS = {
  /** The persistent instance uid of one of our senders; the receiver maps ids by it. */
  instance: 'x-sync-instance',
  /** Request signing (HMAC-SHA256); see docs/instance-sync.md. */
  timestamp: 'x-sync-timestamp',
  nonce: 'x-sync-nonce',
  signature: 'x-sync-signature',
} as const;

/** Token scopes: what a peer token may do on `/api/sync`. */
export const SYNC_SCOPES = ['receive', 'export', 'initiate'] as const;
export type SyncScope = (typeof SYNC_SCOPES)[number];

/** Replay window for signed requests, in either direction. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;
