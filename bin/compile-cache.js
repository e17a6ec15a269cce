'use strict';
// A code cache for Node 20, which lacks module.enableCompileCache (Node >= 22.1): eaf-cdk8s installs it before it
// loads the library, so a later run skips parsing and compiling the ~500 CommonJS modules of the package and its
// dependencies (cdk8s, cdk8s-plus-28, constructs, yaml, TypeBox, tsx), about a fifth of a synth's CPU on Node 20.
//
// Hand-written rather than the v8-compile-cache package, because that one caches every module: it would also take
// over the product's own TypeScript, which tsx hands to Module.prototype._compile with an inline source map that
// Node then reads to point the product's stack traces at its .ts lines, and v8-compile-cache bypasses that reading.
// This cache takes only JavaScript files under a node_modules folder (never a product's file); anything else goes
// through Node's own compile, unchanged.
//
// It can never change what runs: an entry is V8's cached data for one file, stored under the SHA-256 of the file's
// path and used only when the SHA-256 of the file's contents recorded with it matches the contents being loaded; the
// folder is per Node version and architecture, and V8 itself rejects data of another V8 version or other flags (then
// the file compiles as usual and the entry is rewritten). The cache lives in NODE_COMPILE_CACHE (as Node's own does),
// else <tmp>/eaf-cdk8s-compile-cache-<uid>; NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for Node's.
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');

const sha256 = (text) => crypto.createHash('sha256').update(text).digest();
const HASH_BYTES = 32;
/** The errors of a cache folder that cannot be written (read-only, full, not ours). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

/** Whether a module's file is one this cache takes: JavaScript of an installed package, no hashbang line. */
function cacheable(filename, content) {
  if (!/\.c?js$/.test(filename) || !filename.includes(`${path.sep}node_modules${path.sep}`)) return false;
  if (content.startsWith('#!')) return false;
  // A dynamic import() needs Node's loader for the script (Node >= 20.12); without it such a file is left to Node.
  return vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined || !content.includes('import(');
}

/** The folder of the cache: one per Node version and architecture. */
function cacheFolder() {
  const base = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `eaf-cdk8s-compile-cache-${process.getuid?.() ?? 'user'}`);
  return path.join(base, `eaf-cdk8s-${process.version}-${process.arch}`);
}

/** `require` as Node gives it to a module (lib/internal/modules/helpers.js makeRequireFunction). */
function requireOf(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Installs the cache for every module loaded from now on in this process. */
function installCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE === '1') return;
  const folder = cacheFolder();
  const pending = [];
  const nodeCompile = Module.prototype._compile;
  Module.prototype._compile = function compileCached(content, filename) {
    if (!cacheable(filename, content)) return nodeCompile.call(this, content, filename);
    const entry = path.join(folder, `${sha256(filename).toString('hex').slice(0, 32)}.bin`);
    const hash = sha256(content);
    let cachedData;
    try {
      const stored = fs.readFileSync(entry);
      if (stored.subarray(0, HASH_BYTES).equals(hash)) cachedData = stored.subarray(HASH_BYTES);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ entry, hash, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  };
  // Written at exit, so the data holds the functions the run compiled, not only the top level.
  process.once('exit', () => {
    if (pending.length === 0) return;
    try {
      fs.mkdirSync(folder, { recursive: true });
      for (const { entry, hash, script } of pending) {
        const temporary = `${entry}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]));
        fs.renameSync(temporary, entry);
      }
    } catch (e) {
      // The cache is an optimisation only: a folder that cannot be written leaves the next run uncached.
      if (!UNWRITABLE.has(e.code)) throw e;
    }
  });
}

module.exports = { installCompileCache, cacheable, cacheFolder };
