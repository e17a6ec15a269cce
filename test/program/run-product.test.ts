import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeProduct } from '../../lib';
import { orders } from '../../examples/api-only/main';

const REPO = path.join(__dirname, '..', '..');

describe('synthesizeProduct', () => {
  let tmp: string;
  let lines: string[];
  const run = (linkFrom?: string) => synthesizeProduct(orders, {
    environmentsDir: path.join(REPO, 'examples', 'api-only', 'environments'),
    outdir: path.join(tmp, 'dist'),
    crdDirectory: path.join(REPO, 'crds'),
    linkFrom,
    log: (line) => lines.push(line),
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('links the cdk8s scratch folder to the output, replacing an old link', () => {
    const scratch = path.join(tmp, '.cdk8s-out');
    fs.symlinkSync('elsewhere', scratch);
    expect(run(scratch)).toBe(0);
    expect(fs.readlinkSync(scratch)).toBe('dist');
    expect(fs.existsSync(path.join(scratch, 'production', 'orders.k8s.yaml'))).toBe(true);
    expect(lines[lines.length - 1]).toBe(`linked ${scratch} -> ${path.join(tmp, 'dist')} for cdk8s synth`);
  });

  test('never replaces a real folder with a link', () => {
    const scratch = path.join(tmp, 'out');
    fs.mkdirSync(scratch);
    fs.writeFileSync(path.join(scratch, 'keep.txt'), 'mine');
    expect(run(scratch)).toBe(0);
    expect(fs.readFileSync(path.join(scratch, 'keep.txt'), 'utf8')).toBe('mine');
    expect(lines[lines.length - 1]).toBe(`note: ${scratch} exists and is not a link; left as it is (the output is in ${path.join(tmp, 'dist')})`);
  });

  test('fails with exit code 1 on a missing CRD folder, writing nothing', () => {
    expect(synthesizeProduct(orders, { environmentsDir: path.join(REPO, 'examples', 'api-only', 'environments'), outdir: path.join(tmp, 'dist'), crdDirectory: path.join(tmp, 'none'), log: (l) => lines.push(l) })).toBe(1);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });
});
