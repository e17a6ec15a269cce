// The container rules: resources, probes and images.
import { IMAGE_DIGEST, imageTagProblem, VersionScheme } from '../../core/formats';
import { parseQuantity } from '../../core/quantity';
import { fieldPath } from '../finding';
import { RawFinding, RuleCheck, RuleContext } from '../rule-context';
import { at, containersOf, CUSTOM_RESOURCE_IMAGES, isMap, parseImage } from '../workloads';

// ---- resources-required ---------------------------------------------------------------------------------

export const resourcesRequired: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) =>
    containersOf(pod)
      .filter((c) => c.list !== 'ephemeralContainers')
      .flatMap(({ container, path }) => {
        const out: RawFinding[] = [];
        const resources = isMap(container.resources) ? container.resources : {};
        for (const resource of ['cpu', 'memory']) {
          for (const kind of ['requests', 'limits']) {
            if (resources[kind]?.[resource] === undefined) {
              const field = fieldPath([...path, 'resources', kind, resource]);
              out.push({
                index: pod.index,
                rule: 'resources-required',
                message: `${field}: is required`,
                value: undefined,
                fix: `set ${field}, e.g. ${resource === 'cpu' ? '250m' : '512Mi'}`,
              });
            }
          }
          const request = resources.requests?.[resource];
          const limit = resources.limits?.[resource];
          if (request === undefined || limit === undefined) continue;
          const requested = parseQuantity(String(request));
          const limited = parseQuantity(String(limit));
          if (requested !== undefined && limited !== undefined && limited < requested) {
            const field = fieldPath([...path, 'resources', 'limits', resource]);
            out.push({
              index: pod.index,
              rule: 'resources-required',
              message: `${field}: must be at least the request ${request}`,
              value: limit,
              fix: `raise the ${resource} limit to ${request} or more, or lower the request`,
            });
          }
        }
        return out;
      }),
  );

// ---- probes-required --------------------------------------------------------------------------------------

export const probesRequired: RuleCheck = (ctx) =>
  ctx.templates
    .filter((pod) => pod.longRunning)
    .flatMap((pod) =>
      containersOf(pod)
        .filter((c) => c.list === 'containers')
        .flatMap(({ container, path }) =>
          ['livenessProbe', 'readinessProbe']
            .filter((probe) => container[probe] === undefined)
            .map((probe) => ({
              index: pod.index,
              rule: 'probes-required' as const,
              message: `${fieldPath([...path, probe])}: is required for a long-running container`,
              value: undefined,
              fix: `add ${fieldPath([...path, probe])} (httpGet, tcpSocket, grpc or exec)`,
            })),
        ),
    );

// ---- images -----------------------------------------------------------------------------------------------

/** Every image of the set: containers of pod templates, and the images of operator-managed custom resources. */
function imagesOf(ctx: RuleContext): Array<{ index: number; path: Array<string | number>; image: unknown; scheme: VersionScheme }> {
  const fromPods = ctx.templates.flatMap((pod) =>
    containersOf(pod).map(({ container, path }) => ({
      index: pod.index,
      path: [...path, 'image'],
      image: container.image,
      scheme: 'semver' as const,
    })),
  );
  const fromCustomResources = Object.entries(CUSTOM_RESOURCE_IMAGES).flatMap(([groupKind, places]) => {
    const [group, kind] = groupKind.split('/');
    return ctx
      .objectsOf(group, kind)
      .flatMap(({ object, index }) =>
        places.filter(({ path }) => at(object, path) !== undefined).map(({ path, scheme }) => ({ index, path, image: at(object, path), scheme })),
      );
  });
  return [...fromPods, ...fromCustomResources].sort((a, b) => a.index - b.index);
}

export const imageTagPinned: RuleCheck = (ctx) =>
  imagesOf(ctx).flatMap(({ index, path, image, scheme }): RawFinding[] => {
    if (typeof image !== 'string') return [];
    const field = fieldPath(path);
    const { repository, tag, digest } = parseImage(image);
    const finding = (problem: string, fix: string): RawFinding[] => [
      { index, rule: 'image-tag-pinned', message: `${field}: ${problem}`, value: image, fix },
    ];
    if (digest !== undefined) return IMAGE_DIGEST.test(digest) ? [] : finding('has a malformed digest', IMAGE_DIGEST.fix);
    if (tag === undefined)
      return finding('has no tag, so it runs whatever latest is', `pin it, e.g. ${repository}:<version> or ${repository}@sha256:<digest>`);
    const problem = imageTagProblem(tag, { critical: ctx.set.critical, scheme });
    return problem === undefined ? [] : finding(`tag ${problem.problem}`, problem.fix);
  });

export const imageRegistryAllowed: RuleCheck = (ctx) => {
  const allowed = ctx.set.allowedRegistries;
  if (allowed === undefined) return [];
  return imagesOf(ctx)
    .filter(({ image }) => typeof image === 'string' && !allowed.some((prefix) => image.startsWith(prefix)))
    .map(({ index, path, image }) => ({
      index,
      rule: 'image-registry-allowed' as const,
      message: `${fieldPath(path)}: is not from a registry allowed in ${ctx.set.environment}`,
      value: image,
      fix:
        allowed.length > 0
          ? `use an image under ${allowed.join(' or ')} (mirror it there first)`
          : `${ctx.set.environment} allows no registry; list one in its allowed registries`,
    }));
};
