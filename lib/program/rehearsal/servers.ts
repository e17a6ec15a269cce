// Which server of the matrix an environment is rehearsed on (pure; servers.test.ts), and why.
// The rehearsal needs kube-apiserver, kube-controller-manager and kube-scheduler of one release (the controllers may
// not be newer than the API server, and an older pair would lag the server's APIs); so a server qualifies only when
// its controller pair is built (`controllers`). The environment's target minor (its `<env>.target.json`) when it
// qualifies; else the qualifying server nearest it (a tie: the newer), with the reason spelled out.

/** A Kubernetes minor as a number: 1.33 -> 33. */
const minorOf = (m: string): number => Number(m.split('.')[1]);

export interface ServerChoice {
  readonly server: string;
  /** Empty when the server is the target; else why not. */
  readonly reason: string;
}

export function serverFor(target: string | undefined, matrix: readonly string[], controllers: readonly string[]): ServerChoice {
  const usable = matrix.filter((m) => controllers.includes(m));
  if (usable.length === 0)
    throw new Error(`no server of the matrix (${matrix.join(', ')}) has its controller pair built (${controllers.join(', ')})`);
  const newest = usable[usable.length - 1];
  if (target === undefined) return { server: newest, reason: 'no target record: the newest server with its controllers' };
  if (usable.includes(target)) return { server: target, reason: '' };
  const nearest = (among: readonly string[]) =>
    among.reduce((best, m) => {
      const [d, bd] = [Math.abs(minorOf(m) - minorOf(target)), Math.abs(minorOf(best) - minorOf(target))];
      return d < bd || (d === bd && minorOf(m) > minorOf(best)) ? m : best;
    });
  const server = nearest(usable);
  const inMatrix = matrix.includes(target);
  const nearestBuilt = nearest(matrix);
  const why = inMatrix
    ? `${target} is in the matrix but its kube-controller-manager/kube-scheduler are not built`
    : nearestBuilt !== server
      ? `${target} is not in the matrix (${matrix.join(', ')}); the nearest server, ${nearestBuilt}, ` +
        'has no kube-controller-manager/kube-scheduler built'
      : `${target} is not in the matrix (${matrix.join(', ')})`;
  return { server, reason: `${why}: the nearest server with its controllers` };
}
