import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuleId, WAIVER_PREFIX } from './validation';

/**
 * Waives one rule of the validation gate for one object, with the reason written next to it
 * (`waive.eaf.io/<rule>: <reason>`). The gate lists every waiver it honoured.
 *
 * @param target the ApiObject, or a construct whose default child (`Resource`) is one
 */
export function waive(target: IConstruct, rule: RuleId, reason: string): void {
  const resource = target instanceof ApiObject ? target : ApiObject.of(target.node.defaultChild ?? target);
  resource.metadata.addAnnotation(`${WAIVER_PREFIX}${rule}`, reason);
}
