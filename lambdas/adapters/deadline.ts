/**
 * Deadlines for operations that may never settle. A file system request can hang for ever (recursive `mkdir` on
 * procfs spins under Node 20, an `open` of a FIFO waits for a writer, a dead network mount never answers); the
 * caller stops waiting at the deadline and reports a one-line error instead.
 */

/** An operation that did not settle before its deadline. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Settles as `work()` does, or rejects with a `DeadlineError` (`<what> did not finish within <ms> ms`) once `ms`
 * have passed. The work is not cancelled — a file system request cannot be: a hung request keeps its libuv
 * thread, and with it the process, alive; the CLI therefore exits explicitly once it is done.
 */
export async function withDeadline<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
