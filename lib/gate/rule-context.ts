import { RuleId } from '../core/waivers';
import { Manifest, ManifestSet } from './finding';
import { splitApiVersion } from './schemas';
import { isMap, PodTemplate, podTemplatesOf } from './workloads';

/** A finding of a policy rule before it is named and waived: the object is its index in the set. */
export interface RawFinding {
  readonly index: number;
  readonly rule: RuleId;
  readonly message: string;
  readonly value?: unknown;
  readonly fix: string;
}

/** An object of the set, with its index and namespace (`''` when unset). */
export interface ObjectRef {
  readonly object: Manifest;
  readonly index: number;
  readonly namespace: string;
}

/** Which environments of a run are critical, asked by name: the only thing a rule may know of the other sets. */
export interface CriticalEnvironments {
  has(environment: string): boolean;
}

/** What a rule sees: one environment's objects, with the pod templates already read out. */
export class RuleContext {
  /** Every pod template of the set, in object order. */
  public readonly templates: PodTemplate[];
  private readonly sizes = new Map<number, number>();

  /**
   * @param criticalEnvironments the names of the critical environments checked in the same run, for objects that
   * deliver another environment (an Argo CD Application labelled `eaf.io/environment`): asked one name at a time, so
   * that the validator knows what a set's result depends on (see `ManifestValidator.validate`)
   */
  constructor(
    public readonly set: ManifestSet,
    public readonly criticalEnvironments: CriticalEnvironments = new Set(),
  ) {
    this.templates = set.objects.flatMap((object, index) => {
      try {
        return podTemplatesOf(object, index);
      } catch {
        return []; // an object that cannot be read: its schema finding says so
      }
    });
  }

  /** The size of each object as JSON, in bytes (what the API server limits), by index: measured once. */
  public jsonBytes(index: number): number {
    let size = this.sizes.get(index);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(this.set.objects[index]));
      this.sizes.set(index, size);
    }
    return size;
  }

  /** The objects of a group (`''` for core) and kind, with their index. */
  public objectsOf(group: string, kind: string): ObjectRef[] {
    return this.set.objects.flatMap((object, index) => {
      if (!isMap(object) || typeof object.apiVersion !== 'string' || object.kind !== kind || splitApiVersion(object.apiVersion).group !== group)
        return [];
      return [{ object, index, namespace: typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '' }];
    });
  }
}

/** One policy rule's check over a whole environment. */
export type RuleCheck = (ctx: RuleContext) => RawFinding[];
