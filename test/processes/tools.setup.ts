import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * The process tier's global setup: builds the tools its cluster tests use (the newest server of the matrix, its kubectl
 * and etcd; scripts/tools.sh, a no-op when they are built) once, before any file runs. Built inside the tests instead,
 * a cold build (about 9 minutes on a 2-core machine with nothing cached) raced a hook's timeout, and two files built the
 * same binaries at once.
 */
export default function setup(): void {
  const tools = path.join(__dirname, '..', '..', 'scripts', 'tools.sh');
  const matrix = execFileSync('bash', [tools, '--matrix'], { encoding: 'utf8' }).trim().split('\n');
  const [minor, , etcd] = matrix[matrix.length - 1].split(/\s+/);
  execFileSync('bash', [tools, `kube-apiserver-${minor}`, `kubectl-${minor}`, etcd], { stdio: 'inherit' });
}
