// The per-request entity batcher: keys gathered until the scheduler says, each key fetched once per
// request whichever caller asks, in-flight keys awaited rather than fetched again, failures per key.
import { describe, expect, it } from 'vitest';
import { EntityBatcher } from '../../../src/loaders/entity-batcher.ts';
import type { EntityRecord } from '../../../src/loaders/batch-load.ts';

/** A batch function over a fixed table that records each batch it is asked for. */
function table(known: Record<string, EntityRecord>, fail?: (keys: readonly string[]) => Error | undefined) {
  const batches: string[][] = [];
  const fetch = async (keys: readonly string[]): Promise<Array<EntityRecord | null | Error>> => {
    batches.push([...keys]);
    const error = fail?.(keys);
    if (error) throw error;
    return keys.map((k) => known[k] ?? null);
  };
  return { batches, fetch };
}

/** A scheduler the test releases by hand. */
function manual() {
  const queued: Array<() => void> = [];
  return { schedule: (dispatch: () => void) => void queued.push(dispatch), release: () => queued.splice(0).forEach((d) => d()), queued };
}

const USERS = { '1': { id: '1' }, '2': { id: '2' }, '3': { id: '3' } };

describe('EntityBatcher', () => {
  it('gathers the keys of several callers into one batch, each key once, answers in each caller\'s order', async () => {
    const { batches, fetch } = table(USERS);
    const s = manual();
    const batcher = new EntityBatcher(fetch, s.schedule);
    const a = batcher.loadMany(['2', '1', '2']);
    const b = batcher.loadMany(['3', '1', '9']);
    expect(s.queued).toHaveLength(1); // one dispatch scheduled for the batch
    s.release();
    expect(await a).toEqual([{ id: '2' }, { id: '1' }, { id: '2' }]);
    expect(await b).toEqual([{ id: '3' }, { id: '1' }, null]);
    expect(batches).toEqual([['2', '1', '3', '9']]);
  });

  it('answers known keys without a call, and waits for keys already in flight instead of asking again', async () => {
    const { batches, fetch } = table(USERS);
    const s = manual();
    const batcher = new EntityBatcher(fetch, s.schedule);
    const first = batcher.loadMany(['1', '2']);
    s.release(); // in flight now
    const second = batcher.loadMany(['2', '3']); // 2 waits for the first batch; 3 starts a new one
    s.release();
    expect(await first).toEqual([{ id: '1' }, { id: '2' }]);
    expect(await second).toEqual([{ id: '2' }, { id: '3' }]);
    expect(await batcher.loadMany(['1', '3'])).toEqual([{ id: '1' }, { id: '3' }]);
    expect(batches).toEqual([['1', '2'], ['3']]);
    expect(s.queued).toHaveLength(0);
  });

  it('sends what is gathered at once when asked to (DataLoader\'s own batch)', async () => {
    const { batches, fetch } = table(USERS);
    const s = manual();
    const batcher = new EntityBatcher(fetch, s.schedule);
    const gathered = batcher.loadMany(['1']);
    const now = batcher.loadMany(['2'], true);
    expect(await now).toEqual([{ id: '2' }]);
    expect(await gathered).toEqual([{ id: '1' }]);
    expect(batches).toEqual([['1', '2']]);
    s.release(); // the scheduled dispatch finds nothing left to send
    expect(batches).toHaveLength(1);
  });

  it('keeps a failed batch\'s error for each of its keys within the request: asking again sends nothing', async () => {
    const { batches, fetch } = table(USERS, () => new Error('movies is down'));
    const batcher = new EntityBatcher(fetch);
    const [a, b] = await batcher.loadMany(['1', '2']);
    expect(a).toBeInstanceOf(Error);
    expect((b as Error).message).toBe('movies is down');
    expect((await batcher.loadMany(['2']))[0]).toBe(b);
    expect(batches).toHaveLength(1);
  });

  it('forgets what it knows after a write (clear), so later reads see it', async () => {
    const { batches, fetch } = table(USERS);
    const batcher = new EntityBatcher(fetch);
    await batcher.loadMany(['1']);
    batcher.clear();
    await batcher.loadMany(['1']);
    expect(batches).toEqual([['1'], ['1']]);
  });

  it('dispatches at the end of the tick by default, as DataLoader does', async () => {
    const { batches, fetch } = table(USERS);
    const batcher = new EntityBatcher(fetch);
    const a = batcher.loadMany(['1']);
    await Promise.resolve();
    const b = batcher.loadMany(['2']); // same tick's promise jobs: joins the batch
    await Promise.all([a, b]);
    expect(batches).toEqual([['1', '2']]);
  });
});
