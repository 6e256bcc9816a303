/** Who is calling: resolved once per request by the auth middleware. */
export interface Principal {
  userId: number;
  userName: string;
  isAdmin: boolean;
  /** The token row used, or null for the bootstrap ADMIN_TOKEN. */
  tokenId: number | null;
}

export const ACCESS = { read: 'read', write: 'write' } as const;
export type Access = (typeof ACCESS)[keyof typeof ACCESS];
