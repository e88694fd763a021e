// Bounded repetition for tests that drive a system into a state (a breaker opening, a request arriving):
// at most `attempts` tries, then a failure that says what never happened, instead of hanging until the
// test's timeout.
export async function repeatUntil(done: () => boolean, step: () => Promise<unknown>, what: string, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts && !done(); i++) await step();
  if (!done()) throw new Error(`${what} did not happen within ${attempts} attempts`);
}
