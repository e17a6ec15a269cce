import { ClusterTarget, clusterTarget } from '../core/cluster-version';
import type { EnvironmentConfig } from './settings';

/**
 * Where an environment runs, with one authority: `network.platform` when given (the composition refuses it when it
 * contradicts `kubernetes` or `openshift`), else what the version setting names (`openshift: '4.20'` is OpenShift),
 * else OpenShift for a Route exposure and plain Kubernetes otherwise.
 */
export function environmentPlatform(env: EnvironmentConfig): 'kubernetes' | 'openshift' {
  if (env.network?.platform !== undefined) return env.network.platform;
  if (env.openshift !== undefined) return 'openshift';
  if (env.kubernetes !== undefined) return 'kubernetes';
  return env.exposure.kind === 'route' ? 'openshift' : 'kubernetes';
}

/** The cluster the gate checks an environment's objects against (lib/core/cluster-version.ts). */
export function environmentTarget(env: EnvironmentConfig): ClusterTarget {
  return clusterTarget(env, environmentPlatform(env));
}

/** Why an environment's version and platform settings contradict each other, as `[setting, problem, fix]`; else undefined. */
export function clusterSettingProblem(env: EnvironmentConfig): readonly [string, string, string] | undefined {
  if (env.kubernetes !== undefined && env.openshift !== undefined) {
    return ['openshift', `names a cluster besides kubernetes: ${env.kubernetes}`, 'give kubernetes (plain Kubernetes) or openshift, not both'];
  }
  const platform = env.network?.platform;
  if (platform === 'kubernetes' && env.openshift !== undefined) {
    return [
      'network.platform',
      `is kubernetes, but openshift: ${env.openshift} says the cluster is OpenShift`,
      'remove network.platform (openshift implies it)',
    ];
  }
  if (platform === 'openshift' && env.kubernetes !== undefined) {
    return [
      'network.platform',
      `is openshift, but kubernetes: ${env.kubernetes} says the cluster is plain Kubernetes`,
      `remove network.platform and write openshift: <the OpenShift minor> instead of kubernetes`,
    ];
  }
  return undefined;
}
