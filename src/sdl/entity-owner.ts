// What the per-request loaders need to know about an entity and the service that owns it, decided at
// start-up from the SDL files (check-entities.ts) and read at request time by the loaders.
import type { ServiceConfig } from '../config/config-schema.ts';
import type { BatchKeys, BatchMatch } from './directives/rest-directives.ts';
import type { Mapper } from './selection-map.ts';
import type { TemplateScope } from './template.ts';

/** A batch endpoint: where, the parameter that carries the keys, how they are sent and how answers match. */
export interface BatchLoad {
  batchPath: string;
  batchParam: string;
  keys: BatchKeys;
  match: BatchMatch;
}

export interface EntityOwner {
  typeName: string;
  service: string;
  keyField: string;
  load: BatchLoad | { path: (scope: TemplateScope) => string | undefined; route: string };
  maxBatchSize: number;
  maxUrlLength: number;
  /** Single calls in flight at once, when there is no batch endpoint. */
  maxConcurrency: number;
  /** What each call that loads it counts against the operation's cost budget (@cost on the type). */
  weight: number;
  /** How the owner's JSON becomes the type's fields (@map in the owner's file), before keys are matched. */
  map?: Mapper | undefined;
  /** Where the owner's error bodies hold their message, code and field (services.<name>.errors). */
  errors?: ServiceConfig['errors'] | undefined;
}

