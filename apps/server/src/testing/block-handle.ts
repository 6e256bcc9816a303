// Hook helpers (`usePeers`, `useSeededRepository`, the flows' `useSyncServer`) register a
// beforeAll that makes a value, but must hand the describe block something while it is
// being collected, before any hook has run. They hand it this: an object whose fields read
// the value once it exists, so tests use it as they would the value itself.

/** An object whose `keys` read the same keys of `current()`, failing with `what` until it is set. */
export function blockHandle<Value extends object, Key extends keyof Value>(
  current: () => Value | undefined,
  keys: readonly Key[],
  what: string,
): Pick<Value, Key> {
  const handle = {} as Pick<Value, Key>;
  for (const key of keys) {
    Object.defineProperty(handle, key, {
      enumerable: true,
      get() {
        const value = current();
        if (!value) throw new Error(`${what} exists only in the hooks and tests of its describe block`);
        return value[key];
      },
    });
  }
  return handle;
}
