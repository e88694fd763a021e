import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../src/upstream/retry-budget.ts';

/** A clock the test moves by hand: no sleeping. */
const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('RetryBudget', () => {
  it('allows retries up to the ratio of recent calls', () => {
    const c = clock();
    const budget = new RetryBudget(0.2, 0, 10_000, c.now);
    for (let i = 0; i < 10; i++) budget.deposit();
    expect([budget.withdraw(), budget.withdraw(), budget.withdraw()]).toEqual([true, true, false]);
  });

  it('keeps a reserve of retries per second with no traffic at all', () => {
    const c = clock();
    const budget = new RetryBudget(0, 0.5, 10_000, c.now); // 5 retries in a 10 s window
    const granted = Array.from({ length: 7 }, () => budget.withdraw()).filter(Boolean).length;
    expect(granted).toBe(5);
  });

  it('forgets calls and retries older than the window', () => {
    const c = clock();
    const budget = new RetryBudget(0.5, 0, 10_000, c.now);
    for (let i = 0; i < 4; i++) budget.deposit();
    expect([budget.withdraw(), budget.withdraw(), budget.withdraw()]).toEqual([true, true, false]);
    c.advance(10_000);
    expect(budget.withdraw()).toBe(false); // the calls that earned retries have left the window
    for (let i = 0; i < 2; i++) budget.deposit();
    expect(budget.withdraw()).toBe(true); // and the spent retries too
  });

  it('slides: half a window later, half the old calls still count', () => {
    const c = clock();
    const budget = new RetryBudget(1, 0, 10_000, c.now);
    for (let i = 0; i < 2; i++) budget.deposit();
    c.advance(5_000);
    for (let i = 0; i < 2; i++) budget.deposit();
    c.advance(5_000); // the first two calls fall out
    expect([budget.withdraw(), budget.withdraw(), budget.withdraw()]).toEqual([true, true, false]);
  });
});
