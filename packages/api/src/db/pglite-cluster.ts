/**
 * A fresh PGlite cluster, shipped instead of created: initdb inside WebAssembly takes 10–20 s and
 * grows ~600 MB of memory that the process keeps, so a new embedded data directory is filled from
 * `pglite-cluster/pgdata-<PGlite version>.tar.br` (what initdb left, cleanly shut down, ~0.6 MB).
 * `scripts/make-pglite-cluster.ts` writes that file; run it after upgrading @electric-sql/pglite
 * (the test beside this file fails until then, and until then new directories run initdb).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';

const clusterDir = fileURLToPath(new URL('./pglite-cluster/', import.meta.url));

/** The installed PGlite's version: a cluster is only used by the PGlite that made it. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export const clusterArchivePath = (version = pgliteVersion()) => join(clusterDir, `pgdata-${version}.tar.br`);

/**
 * The shipped cluster as an uncompressed tar, or null when none was made with the installed PGlite.
 * Decompressed into one buffer: in zlib's default 64 kB pieces, the 40 MB left ~45 MB of freed but
 * fragmented heap resident for the life of the process; one large buffer is returned to the OS when collected.
 */
export function readFreshCluster(): Buffer<ArrayBuffer> | null {
  const path = clusterArchivePath();
  return existsSync(path) ? brotliDecompressSync(readFileSync(path), { chunkSize: 64 * 2 ** 20 }) : null;
}

type TarEntry = { name: string; isDirectory: boolean; data: Uint8Array };

const blockSize = 512;

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
}

/** The entries of a ustar archive (regular files and directories: all a data directory has). */
export function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  for (let offset = 0; offset + blockSize <= tar.length; ) {
    const header = tar.subarray(offset, offset + blockSize);
    if (header.every((byte) => byte === 0)) break;
    const prefix = readString(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + readString(header, 0, 100);
    const size = Number.parseInt(readString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (type !== '0' && type !== '\0' && type !== '5') throw new Error(`tar entry ${name}: unsupported type ${type}`);
    offset += blockSize;
    entries.push({ name: name.replace(/\/$/, ''), isDirectory: type === '5', data: tar.subarray(offset, offset + size) });
    offset += Math.ceil(size / blockSize) * blockSize;
  }
  return entries;
}

function tarHeader(name: string, size: number, isDirectory: boolean): Uint8Array {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(blockSize);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0);
  header.write(octal(isDirectory ? 0o700 : 0o600, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136);
  header.write(' '.repeat(8), 148);
  header.write(isDirectory ? '5' : '0', 156);
  header.write('ustar\u000000', 257);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** A ustar archive of `dir` in a stable order, with no owner, time or mode of the machine in it. */
export function writeTar(dir: string): Uint8Array {
  const parts: Uint8Array[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      const name = relative(dir, full).split(sep).join('/');
      if (statSync(full).isDirectory()) {
        parts.push(tarHeader(`${name}/`, 0, true));
        walk(full);
      } else {
        const data = readFileSync(full);
        parts.push(tarHeader(name, data.length, false), data, new Uint8Array((blockSize - (data.length % blockSize)) % blockSize));
      }
    }
  };
  walk(dir);
  parts.push(new Uint8Array(2 * blockSize));
  return Buffer.concat(parts);
}

/** Brotli at its best with a window over the whole archive: the three databases are nearly alike. */
export const compressCluster = (tar: Uint8Array) =>
  brotliCompressSync(tar, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS,
      [zlib.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  });

/**
 * Fill the new data directory `pgdata` with the shipped fresh cluster. Returns false (and leaves
 * `pgdata` alone) when there is no cluster for the installed PGlite or `pgdata` already has files.
 * The files are written beside it and renamed into place, so a start killed half-way leaves no
 * half-written cluster behind; the caller holds the data-directory lock.
 */
export function restoreFreshCluster(pgdata: string): boolean {
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) return false;
  const tar = readFreshCluster();
  if (!tar) return false;
  const staging = `${pgdata}.new`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  for (const entry of readTar(tar)) {
    if (entry.name.split('/').some((part) => part === '..' || part === '') || entry.name.startsWith('/'))
      throw new Error(`unsafe path in the PGlite cluster archive: ${entry.name}`);
    const path = join(staging, entry.name);
    if (entry.isDirectory) mkdirSync(path, { recursive: true, mode: 0o700 });
    else {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, entry.data, { mode: 0o600 });
    }
  }
  rmSync(pgdata, { recursive: true, force: true });
  renameSync(staging, pgdata);
  return true;
}
