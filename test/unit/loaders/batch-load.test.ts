import { describe, expect, it } from 'vitest';
import { chunkKeys, entityBatchFn, keyQuery, type EntityOwner } from '../../../src/loaders/batch-load.ts';
import type { UpstreamResponse } from '../../../src/upstream/upstream-client.ts';

const owner = (overrides: Partial<EntityOwner> = {}): EntityOwner => ({
  typeName: 'Movie',
  service: 'movies',
  keyField: 'id',
  load: { batchPath: '/movies', batchParam: 'ids', keys: 'JOINED', match: 'POSITION' },
  maxBatchSize: 500,
  maxUrlLength: 8000,
  maxConcurrency: 4,
  weight: 1,
  ...overrides,
});

describe('chunkKeys', () => {
  it('splits by the maximum batch size', () => {
    expect(chunkKeys(['1', '2', '3', '4', '5'], 0, 2, 1000)).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('splits by URL length, counting the encoded keys and commas', () => {
    // prefix 10 + "aaaa," (5) + "bbbb," (5) = 20 fits; the third key would make 25.
    expect(chunkKeys(['aaaa', 'bbbb', 'cccc'], 10, 100, 24)).toEqual([['aaaa', 'bbbb'], ['cccc']]);
  });

  it('still sends a key that alone exceeds the length, in a chunk of its own', () => {
    expect(chunkKeys(['x'.repeat(50), 'y'], 10, 100, 20)).toEqual([['x'.repeat(50)], ['y']]);
  });
});

describe('mapConcurrently', () => {
  it('keeps at most `limit` calls in flight and returns results in order', async () => {
    const { mapConcurrently } = await import('../../../src/loaders/batch-load.ts');
    let inFlight = 0;
    let most = 0;
    const out = await mapConcurrently([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < n; i++) await Promise.resolve();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(most).toBe(3);
  });
});

describe('groupedBatchFn', () => {
  it('sends the keys in one call and splits the answer by the group field, keeping other parameters', async () => {
    const { groupedBatchFn } = await import('../../../src/loaders/batch-load.ts');
    const calls: string[] = [];
    const get = async (_s: string, path: string): Promise<UpstreamResponse> => {
      calls.push(path);
      return { status: 200, body: [{ id: '1', d: 'a' }, { id: '2', d: 'b' }, { id: '3', d: 'a' }] };
    };
    const load = groupedBatchFn({ service: 'movies', base: '/movies?genre=Drama', param: 'directorIds', groupBy: 'd', select: undefined, maxBatchSize: 100, maxUrlLength: 8000, weight: 1, keys: 'JOINED', errors: { message: [], code: [], field: [] } }, get);
    const out = await load(['a', 'b', 'c']);
    expect(calls).toEqual(['/movies?genre=Drama&directorIds=a,b,c']);
    expect(out).toEqual([[{ id: '1', d: 'a' }, { id: '3', d: 'a' }], [{ id: '2', d: 'b' }], []]);
  });
});

describe('entityBatchFn', () => {
  it('sends one GET per chunk and returns the answers in key order, null for missing', async () => {
    const calls: string[] = [];
    const get = async (_service: string, path: string): Promise<UpstreamResponse> => {
      calls.push(path);
      const ids = decodeURIComponent(path.split('ids=')[1] as string).split(',');
      return { status: 200, body: ids.map((id) => (id === '404' ? null : { id, title: `t${id}` })) };
    };
    const load = entityBatchFn(owner({ maxBatchSize: 2 }), get);
    const out = await load(['1', '404', '3']);
    expect(calls).toEqual(['/movies?ids=1,404', '/movies?ids=3']);
    expect(out).toEqual([{ id: '1', title: 't1' }, null, { id: '3', title: 't3' }]);
  });

  it('fails only the keys of a chunk that failed', async () => {
    const get = async (_s: string, path: string): Promise<UpstreamResponse> =>
      path.includes('ids=1') ? { status: 503, body: undefined } : { status: 200, body: [{ id: '2' }] };
    const out = await entityBatchFn(owner({ maxBatchSize: 1 }), get)(['1', '2']);
    expect(out[0]).toBeInstanceOf(Error);
    expect((out[0] as Error).message).toBe('movies service failed (HTTP 503)');
    expect(out[1]).toEqual({ id: '2' });
  });

  it('refuses an answer out of key order instead of returning the wrong entity', async () => {
    const get = async (): Promise<UpstreamResponse> => ({ status: 200, body: [{ id: '2' }, { id: '1' }] });
    const out = await entityBatchFn(owner(), get)(['1', '2']);
    expect(Array.from(out).every((o) => o instanceof Error)).toBe(true);
  });

  it('without a batch endpoint, sends one GET per key and treats 404 as missing', async () => {
    const { compilePath } = await import('../../../src/sdl/template.ts');
    const calls: string[] = [];
    const get = async (_s: string, path: string): Promise<UpstreamResponse> => {
      calls.push(path);
      return path.endsWith('/9') ? { status: 404, body: { error: { message: 'gone' } } } : { status: 200, body: { id: path.split('/').pop() } };
    };
    const out = await entityBatchFn(owner({ load: { path: compilePath('/movies/{key}', ['key']), route: '/movies/{key}' } }), get)(['8', '9']);
    expect(calls).toEqual(['/movies/8', '/movies/9']);
    expect(out).toEqual([{ id: '8' }, null]);
  });
});

describe('batch spellings and matching', () => {
  const answering = (body: unknown) => {
    const calls: Array<{ method: string; path: string; body?: unknown }> = [];
    const get = async (_s: string, path: string): Promise<UpstreamResponse> => (calls.push({ method: 'GET', path }), { status: 200, body });
    const post = async (_s: string, path: string, sent: unknown): Promise<UpstreamResponse> => (calls.push({ method: 'POST', path, body: sent }), { status: 200, body });
    return { calls, get, post };
  };
  const ofKeys = (ids: string[]) => ids.map((id) => ({ id, title: `m${id}` }));

  it('spells keys joined, repeated, bracketed or as a POST body', async () => {
    const cases = [
      ['JOINED', { method: 'GET', path: '/movies?ids=1,2' }],
      ['REPEATED', { method: 'GET', path: '/movies?ids=1&ids=2' }],
      ['BRACKETED', { method: 'GET', path: '/movies?ids%5B%5D=1&ids%5B%5D=2' }],
      ['BODY', { method: 'POST', path: '/movies', body: { ids: ['1', '2'] } }],
    ] as const;
    for (const [keys, call] of cases) {
      const t = answering(ofKeys(['1', '2']));
      const load = entityBatchFn(owner({ load: { batchPath: '/movies', batchParam: 'ids', keys, match: 'POSITION' } }), t.get, t.post);
      expect(await load(['1', '2'])).toEqual(ofKeys(['1', '2']));
      expect(t.calls).toEqual([call]);
    }
  });

  it('matches by key: any order, missing ones null, unasked ones ignored', async () => {
    const t = answering([{ id: '3', title: 'c' }, { id: '9', title: 'unasked' }, { id: '1', title: 'a' }]);
    const load = entityBatchFn(owner({ load: { batchPath: '/movies', batchParam: 'id', keys: 'REPEATED', match: 'KEY' } }), t.get, t.post);
    expect(await load(['1', '2', '3'])).toEqual([{ id: '1', title: 'a' }, null, { id: '3', title: 'c' }]);
  });

  it('by position, an answer of another length fails its keys with UPSTREAM_ERROR', async () => {
    const t = answering(ofKeys(['1']));
    const load = entityBatchFn(owner(), t.get, t.post);
    const out = Array.from(await load(['1', '2']));
    expect(out.every((o) => o instanceof Error && (o as { extensions?: { code?: string } }).extensions?.code === 'UPSTREAM_ERROR')).toBe(true);
  });

  it('counts what each spelling adds to a URL when it splits batches', () => {
    const { perKey } = keyQuery('REPEATED', 'id');
    expect(perKey).toBe('id='.length + 1);
    // Each key costs "&id=" plus itself: 3 keys of 3 characters fit in 30 after a 10-character prefix, 4 do not.
    expect(chunkKeys(['100', '200', '300', '400'], 10, 1000, 31, perKey)).toEqual([['100', '200', '300'], ['400']]);
  });
});
