// Runs a compiled operation, building the answer's objects straight from the services' JSON
// (build-answer.ts). Each selection is built for all its parents at once: property fields are completed
// as they are built, and a field with a source waits in a list per field, so that an @ref field loads
// the keys of every parent in one call to the request's entity batcher (batched with the rest of its
// level) and a resolver field is called once per distinct parent. There is no resolver per field, no
// promise per key and no second pass: the objects built are the `data` Yoga serializes.
// Anything irregular (an upstream error, a missing entity, a null where the type forbids one, a value
// its scalar refuses, a guard refusing) stops the compiled run with NEEDS_GENERAL_EXECUTOR: the caller
// replays the operation on the general executor over the same request scope, whose caches hold every
// answer already fetched, so the replay repeats no call and its answer, errors and partial data
// included, is the general executor's own.
import { getArgumentValues } from 'graphql';
import type { RefResolution, ResolverContext } from '../resolvers/resolver-context.ts';
import type { TemplateScope } from '../sdl/template.ts';
import { NEEDS_GENERAL_EXECUTOR, readProperty, type CompiledField, type Out, type WaitingFields } from './build-answer.ts';
import type { CompiledOperation } from './compile-operation.ts';

export { NEEDS_GENERAL_EXECUTOR } from './build-answer.ts';

interface Run {
  /** Set once the run has failed: no further field starts its calls. */
  stopped: boolean;
  rootValue: unknown;
  context: ResolverContext;
  variables: Record<string, unknown>;
}

const argsOf = (field: CompiledField, run: Run): Record<string, unknown> => field.args ?? getArgumentValues(field.field, field.node, run.variables);

/** An @ref field's values for its waiting parents, in their order: every parent's keys in one call, which the batcher sends with the rest of the level. */
async function loadRefs(ref: RefResolution, parents: unknown[], args: Record<string, unknown>, run: Run): Promise<unknown[]> {
  const { plan, owner } = ref;
  const keys: string[] = [];
  const spans = new Array<number>(parents.length); // keys per parent; -1: none to load
  const values = new Array<unknown>(parents.length);
  const scope: TemplateScope = { args }; // one for all parents: the key templates read it synchronously
  for (let p = 0; p < parents.length; p++) {
    scope.parent = parents[p] as Record<string, unknown>;
    const key = plan.key(scope);
    if (plan.returns.list) {
      if (!Array.isArray(key)) {
        spans[p] = -1;
        values[p] = plan.returns.nonNull ? [] : null;
      } else {
        spans[p] = key.length;
        for (const k of key) keys.push(String(k));
      }
    } else if (key === null || key === undefined) {
      spans[p] = -1;
      values[p] = null;
    } else {
      spans[p] = 1;
      keys.push(String(key));
    }
  }
  const items = keys.length > 0 ? await run.context.rest.entities(owner.typeName).loadMany(keys) : [];
  let i = 0;
  for (let p = 0; p < parents.length; p++) {
    const span = spans[p]!;
    if (span === -1) continue;
    if (!plan.returns.list) {
      const item = items[i++];
      if (item === null || item instanceof Error) throw NEEDS_GENERAL_EXECUTOR; // NOT_FOUND, or the load's error
      values[p] = item;
      continue;
    }
    const list: unknown[] = [];
    for (let k = 0; k < span; k++) {
      const item = items[i++];
      if (item instanceof Error) throw NEEDS_GENERAL_EXECUTOR;
      if (item !== null || !plan.returns.nonNullItem) list.push(item);
    }
    values[p] = list;
  }
  return values;
}

/** Sets a field's values on the objects waiting for them, then fills what those values wait for in turn. */
function settle(field: CompiledField, outs: Out[], value: (i: number) => unknown, run: Run): Promise<void> | undefined {
  if (run.stopped) throw NEEDS_GENERAL_EXECUTOR;
  const next: WaitingFields = new Map();
  for (let i = 0; i < outs.length; i++) outs[i]![field.key] = field.shape.complete(value(i), next);
  return next.size > 0 ? fill(next, run) : undefined;
}

/** One waiting field: its guard, then its values, then what those wait for in turn. */
async function fillField(field: CompiledField, outs: Out[], parents: unknown[], run: Run): Promise<void> {
  const source = field.source;
  if (source.kind === 'typename') return;
  const args = argsOf(field, run);
  // A refused field throws here: the general executor words the refusal (null, with its code).
  if (source.guard) await source.guard(args, run.context);
  if (source.kind === 'property') return settle(field, outs, (i) => readProperty(parents[i], field.fieldName), run);
  if (source.kind === 'ref') {
    const values = await loadRefs(source.ref, parents, args, run);
    return settle(field, outs, (i) => values[i], run);
  }
  const outsOf = new Map<unknown, Out[]>(); // a parent met twice is called once
  parents.forEach((parent, i) => {
    const list = outsOf.get(parent);
    if (list) list.push(outs[i]!);
    else outsOf.set(parent, [outs[i]!]);
  });
  const work: Array<Promise<void> | undefined> = [];
  for (const [parent, its] of outsOf) {
    const answer = source.resolve(parent === ROOT ? run.rootValue : parent, args, run.context);
    work.push(Promise.resolve(answer).then((value) => settle(field, its, () => value, run)));
  }
  await (work.length === 1 ? work[0] : Promise.all(work));
}

/**
 * Fills the waiting fields. A resolver field goes on with each parent's value as soon as it is in (so the
 * next level's keys reach the batcher as its level scheduler expects, one slow sibling holding none of
 * the rest); an @ref field goes on once its one load is answered.
 */
async function fill(waiting: WaitingFields, run: Run): Promise<void> {
  const work: Array<Promise<void>> = [];
  for (const [field, { outs, parents }] of waiting) {
    if (run.stopped) throw NEEDS_GENERAL_EXECUTOR;
    work.push(fillField(field, outs, parents, run));
  }
  await (work.length === 1 ? work[0] : Promise.all(work));
}

/** What the root fields' values are keyed by when the operation has no root value. */
const ROOT = Object.freeze({});

/** The operation's `data`; rejects with NEEDS_GENERAL_EXECUTOR (or an upstream error) for a replay. */
export async function runCompiledOperation(compiled: CompiledOperation, rootValue: unknown, context: ResolverContext, variables: Record<string, unknown>): Promise<Out> {
  const run: Run = { stopped: false, rootValue, context, variables };
  const waiting: WaitingFields = new Map();
  const data = compiled.buildRoot(rootValue ?? ROOT, waiting);
  try {
    if (waiting.size > 0) await fill(waiting, run);
  } catch (err) {
    run.stopped = true;
    throw err;
  }
  return data;
}
