import { PropertyProblems } from '../core/errors';
import { IMAGE_REPOSITORY, IMAGE_TAG_OR_DIGEST, imageTagProblem } from '../core/formats';
import { CRITICAL_CONTEXT } from '../core/labels';
import { validateResources } from '../pods/pod-template';
import type { EafWorkload, EafWorkloadProps } from './eaf-workload';

/**
 * Checks a workload's props and throws every problem at once: the image and replicas, the release (rolling,
 * blue-green or a Rollout, with the tags each needs), the tags themselves, the autoscaling and the resources.
 */
export function validateEafWorkload(workload: EafWorkload, props: EafWorkloadProps): void {
  const problems = new PropertyProblems(workload);
  if (!IMAGE_REPOSITORY.test(props.image)) problems.add('image', 'is not an image repository without tag', props.image, IMAGE_REPOSITORY.fix);
  if (!Number.isInteger(workload.replicas) || workload.replicas < 1) {
    problems.add('replicas', 'must be a whole number of at least 1', props.replicas, 'set replicas to 1 or more');
  }
  checkRelease(problems, workload, props);
  checkTags(problems, workload, props);
  const scaling = props.autoscaling;
  if (scaling && !(Number.isInteger(scaling.minReplicas) && scaling.minReplicas >= 1)) {
    problems.add('autoscaling.minReplicas', 'must be a whole number of at least 1', scaling.minReplicas, 'set minReplicas to 1 or more');
  } else if (scaling && !(scaling.maxReplicas >= scaling.minReplicas)) {
    problems.add('autoscaling.maxReplicas', `must be at least minReplicas ${scaling.minReplicas}`, scaling.maxReplicas, 'raise maxReplicas');
  }
  problems.check(() => validateResources(workload, props.container.resources));
  problems.throwIfAny();
}

/** The release: a Rollout's strategy, and the tag (rolling) or tags (blue-green) with the idle colour's size. */
function checkRelease(problems: PropertyProblems, workload: EafWorkload, props: EafWorkloadProps): void {
  if (props.rollout && !props.rollout.canary && !props.blueGreen) {
    problems.add(
      'rollout',
      'needs blueGreen (a blue-green Rollout) or rollout.canary',
      props.rollout,
      'set blueGreen with tags, or rollout.canary with tag',
    );
  }
  if (props.rollout?.canary && props.blueGreen) {
    problems.add(
      'rollout.canary',
      'is not for a blue-green release',
      props.rollout.canary,
      'remove blueGreen (and give tag), or remove rollout.canary',
    );
  }
  if (!props.blueGreen) {
    if (props.tag === undefined) problems.add('tag', 'is required for a rolling release', props.tag, 'set tag to the image version to run');
    if (props.tags !== undefined) problems.add('tags', 'is only for blue-green releases', props.tags, 'set tag instead, or release blue-green');
    return;
  }
  if (props.tags === undefined)
    problems.add('tags', 'is required for a blue-green release', props.tags, 'set tags: { blue: <version>, green: <version> }');
  if (props.tag !== undefined) problems.add('tag', 'is only for rolling releases', props.tag, 'set tags.blue and tags.green instead');
  if (props.rollout && props.blueGreen.switchTo !== undefined) {
    problems.add(
      'blueGreen.switchTo',
      'is for blue-green Deployments only: Argo Rollouts scales and promotes the new version itself',
      props.blueGreen.switchTo,
      'remove switchTo and switch by activeColor alone',
    );
  }
  const idle = props.blueGreen.idleReplicas;
  // The idle colour is a standby: more replicas than the active colour would waste what it is meant to save.
  const scaling = props.autoscaling;
  const active = scaling?.minReplicas ?? workload.replicas;
  if (idle !== undefined && (!Number.isInteger(idle) || idle < 0)) {
    problems.add('blueGreen.idleReplicas', 'must be a whole number of at least 0', idle, 'set idleReplicas to 0 (scaled down) or more');
  } else if (idle !== undefined && Number.isInteger(active) && idle > active) {
    problems.add(
      'blueGreen.idleReplicas',
      `is above the ${workload.name} component's ${scaling ? 'autoscaling.minReplicas' : 'replicas'} ${active}`,
      idle,
      `set idleReplicas to at most ${active}, or raise the component's replicas`,
    );
  }
}

/** Each tag given: a tag or digest, and in a critical environment one that names a release. */
function checkTags(problems: PropertyProblems, workload: EafWorkload, props: EafWorkloadProps): void {
  const critical = workload.node.tryGetContext(CRITICAL_CONTEXT) === true;
  const tags: Array<[string, string | undefined]> = [
    ['tag', props.tag],
    ['tags.blue', props.tags?.blue],
    ['tags.green', props.tags?.green],
  ];
  for (const [property, tag] of tags) {
    if (tag === undefined) continue;
    const problem = IMAGE_TAG_OR_DIGEST.test(tag)
      ? imageTagProblem(tag, { critical })
      : { problem: 'is not an image tag or sha256 digest', fix: IMAGE_TAG_OR_DIGEST.fix };
    if (problem) problems.add(property, problem.problem, tag, problem.fix);
  }
}
