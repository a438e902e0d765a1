import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every byte of every file under Azurite's data folder (read after it stopped and saved). */
export function allBytes(location: string): Buffer {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(location);
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

interface Persistency {
  id: string;
  offset: number;
  count: number;
}

interface BlobDocument {
  deleted?: boolean;
  persistency?: Persistency;
  committedBlocksInOrder?: Array<{ persistency: Persistency }>;
}

/**
 * What the emulated account still serves: the table databases (Azurite rewrites them whole, so a
 * replaced or deleted entity is gone from the file) and, of the blob extents, the ranges live blobs
 * point at. Azurite appends every upload to an extent file and drops a file only when no blob uses
 * any of it, so a replaced blob's old bytes stay on its disk; Azure serves nothing of a replaced or
 * deleted blob once soft delete and versioning are off (deploy/azure turns both off).
 */
export function liveBytes(location: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(location)) {
    if (/^__azurite_db_(table|queue)__\.json$/.test(name)) parts.push(readFileSync(join(location, name)));
  }
  const blobDb = JSON.parse(readFileSync(join(location, '__azurite_db_blob__.json'), 'utf8')) as {
    collections: Array<{ name: string; data: BlobDocument[] }>;
  };
  const extents = new Map<string, Buffer>();
  const extent = (id: string): Buffer => {
    let bytes = extents.get(id);
    if (bytes === undefined) {
      bytes = readFileSync(join(location, '__blobstorage__', id));
      extents.set(id, bytes);
    }
    return bytes;
  };
  for (const collection of blobDb.collections) {
    if (collection.name !== '$BLOBS_COLLECTION$') continue;
    for (const blob of collection.data) {
      if (blob.deleted === true) continue;
      const ranges = blob.persistency
        ? [blob.persistency]
        : (blob.committedBlocksInOrder ?? []).map((b) => b.persistency);
      for (const range of ranges)
        parts.push(extent(range.id).subarray(range.offset, range.offset + range.count));
    }
  }
  return Buffer.concat(parts);
}
