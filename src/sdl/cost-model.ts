// The cost model, built once at start-up from the plans: for each field, how its REST calls grow with
// the number of parent objects (none, one per parent, one per batch of parents, one per batch of entity
// keys), how much each call weighs (@cost), and how long its list can be (@listSize). The operation
// limits read it to estimate an operation's worst case before any call is made.
import type { EntityOwner } from './entity-owner.ts';
import type { ListSize } from './directives/cost-directives.ts';
import type { SubgraphPlan } from './plan-subgraph.ts';

export interface FieldCost {
  /**
   * none: read from the parent's answer; perParent: one call per parent object (@rest);
   * perParentBatch: one call per batch of parents (@rest with @batch); perKeyBatch: one call per batch
   * of entity keys through the owner's loader (@ref).
   */
  calls: 'none' | 'perParent' | 'perParentBatch' | 'perKeyBatch';
  /** Parents or keys per call, for the batched kinds (1 where the owner loads one entity at a time). */
  batchSize: number;
  weight: number;
  /** A @rest field whose answer is completed by another service's entity loader: a batch per `batchSize` items. */
  completion: { batchSize: number; weight: number } | undefined;
  listSize: ListSize | undefined;
  /** An @ref list whose keys are this argument: its length is the list's size. */
  keysArgument?: string | undefined;
  /** A @paginate field: a call per page of `size` items, at most `max` per parent. */
  pages?: { size: number; max: number } | undefined;
}

export type CostModel = ReadonlyMap<string, FieldCost>;

/** Keys per call of an entity's loader: its batch size, or 1 when the owner has no batch endpoint. */
export const keysPerCall = (owner: EntityOwner): number => ('batchPath' in owner.load ? owner.maxBatchSize : 1);

export function buildCostModel(subgraphs: readonly SubgraphPlan[], owners: ReadonlyMap<string, EntityOwner>): CostModel {
  const model = new Map<string, FieldCost>();
  for (const plan of subgraphs) {
    for (const [where, declared] of plan.costs) {
      model.set(where, { calls: 'none', batchSize: 1, weight: 1, completion: undefined, listSize: declared.listSize });
    }
    for (const field of plan.fields) {
      const where = `${field.typeName}.${field.fieldName}`;
      const declared = plan.costs.get(where);
      const owner = owners.get(field.returns.named);
      const listSize = declared?.listSize;
      if (field.kind === 'ref') {
        const target = owner as EntityOwner; // checkEntities gives every @ref target an owner
        model.set(where, { calls: 'perKeyBatch', batchSize: keysPerCall(target), weight: declared?.weight ?? target.weight, completion: undefined, listSize, keysArgument: field.keyArgument });
        continue;
      }
      const completion = owner && owner.service !== plan.service ? { batchSize: keysPerCall(owner), weight: owner.weight } : undefined;
      const paged = field.pagination;
      if (paged) {
        // Sized by `first` (through `edges` for a connection); unless declared otherwise, one page's worth.
        const sized = listSize ?? { assumedSize: paged.pageSize, slicingArguments: ['first'], sizedFields: paged.connection ? ['edges'] : [], requireOneSlicingArgument: false, node: undefined };
        model.set(where, { calls: 'perParent', batchSize: 1, weight: declared?.weight ?? 1, completion: undefined, listSize: sized, pages: { size: paged.pageSize, max: paged.maxPages } });
        continue;
      }
      model.set(where, {
        calls: field.batch ? 'perParentBatch' : 'perParent',
        batchSize: plan.config.maxBatchSize,
        weight: declared?.weight ?? 1,
        completion,
        listSize,
      });
    }
  }
  return model;
}
