// Shims that let jsdom 31 (which requires Node 22+) start on Node 20, the minimum of this project.
// Each one only fills a gap; on Node 22+ none of them changes anything.

// jsdom 31 loads undici 8, which binds zlib.createZstdDecompress when it loads: Node 22 has it,
// Node 20 (this project's minimum) does not. Tests never receive zstd bodies, so a stub that
// refuses is enough to let jsdom start. Loaded with --require before the test environment.
const zlib = require('node:zlib');
if (typeof zlib.createZstdDecompress !== 'function') {
  Object.defineProperty(zlib, 'createZstdDecompress', {
    configurable: true,
    value: () => {
      throw new Error('zstd decompression needs Node 22 or later');
    },
  });
}

// undici 8 also marks its web objects uncloneable (worker_threads.markAsUncloneable, Node 22.10+);
// tests never post them between threads, so a no-op keeps the same behaviour here.
const workerThreads = require('node:worker_threads');
if (typeof workerThreads.markAsUncloneable !== 'function') {
  Object.defineProperty(workerThreads, 'markAsUncloneable', { configurable: true, value: () => {} });
}

// jsdom 31's tree walkers extend the global Iterator and use its helpers (ES2025, Node 22). This
// installs a small polyfill in the Node realm and in every new vm context (jsdom's window is one,
// and it copies `Iterator` from there once the Node realm has it).
function installIterator(realm) {
  if (typeof realm.Iterator !== 'undefined') return;
  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  function Iterator() {}
  Iterator.prototype = IteratorPrototype;
  Iterator.from = (value) => {
    const it = typeof value[Symbol.iterator] === 'function' ? value[Symbol.iterator]() : value;
    return (function* () {
      yield* { [Symbol.iterator]: () => it };
    })();
  };
  const helpers = {
    *map(fn) {
      let i = 0;
      for (const v of this) yield fn(v, i++);
    },
    *filter(fn) {
      let i = 0;
      for (const v of this) if (fn(v, i++)) yield v;
    },
    *take(n) {
      if (n <= 0) return;
      let i = 0;
      for (const v of this) {
        yield v;
        if (++i >= n) return;
      }
    },
    *drop(n) {
      let i = 0;
      for (const v of this) if (i++ >= n) yield v;
    },
    *flatMap(fn) {
      let i = 0;
      for (const v of this) yield* fn(v, i++);
    },
    some(fn) {
      let i = 0;
      for (const v of this) if (fn(v, i++)) return true;
      return false;
    },
    every(fn) {
      let i = 0;
      for (const v of this) if (!fn(v, i++)) return false;
      return true;
    },
    find(fn) {
      let i = 0;
      for (const v of this) if (fn(v, i++)) return v;
      return undefined;
    },
    forEach(fn) {
      let i = 0;
      for (const v of this) fn(v, i++);
    },
    reduce(fn, ...initial) {
      let i = 0;
      let acc = initial[0];
      let started = initial.length > 0;
      for (const v of this) {
        if (!started) {
          acc = v;
          started = true;
        } else acc = fn(acc, v, i);
        i++;
      }
      return acc;
    },
    toArray() {
      return [...this];
    },
  };
  for (const [name, fn] of Object.entries(helpers)) {
    if (!(name in IteratorPrototype)) Object.defineProperty(IteratorPrototype, name, { configurable: true, writable: true, value: fn });
  }
  Object.defineProperty(realm, 'Iterator', { configurable: true, writable: true, value: Iterator });
}

if (typeof globalThis.Iterator === 'undefined') {
  installIterator(globalThis);
  const vm = require('node:vm');
  const createContext = vm.createContext;
  const source = `(${installIterator.toString()})(globalThis);`;
  vm.createContext = function patchedCreateContext(...args) {
    const context = createContext.apply(this, args);
    vm.runInContext(source, context);
    return context;
  };
}
