/**
 * The S3 endpoint of the S3 cases: fauxqs, served in this (the parent) process on loopback, so the emulator's
 * CPU and memory never count in a case's figures.
 *
 * Seeding: fauxqs has no public bulk-load API. Its `buildApp({ stores })` accepts the store instances, so the
 * benchmark constructs fauxqs's own `S3Store` (an internal module, imported by file path) and fills it
 * directly — the same objects a PutObject would create (MD5 ETag, LastModified), hundreds of thousands per
 * second. Should those internals move in a later fauxqs, it falls back to `startFauxqs` and concurrent
 * PutObject over HTTP (a few thousand objects per second).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StoreObject } from './synthetic';

export const EMULATOR_REGION = 'us-east-1';
/** Dummy credentials for the emulator (it does not check signatures). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' } as const;
const PUT_CONCURRENCY = 64;

export interface Emulator {
  readonly endpoint: string;
  /** `internal-store` (direct seeding) or `put-object` (HTTP). */
  readonly seeding: 'internal-store' | 'put-object';
  createBucket(name: string): void;
  /** Seeds the objects; returns how many were written. */
  seed(bucket: string, objects: Iterable<StoreObject>): Promise<number>;
  /** Removes every object of the bucket (frees the emulator's memory). */
  emptyBucket(name: string): void;
  stop(): Promise<void>;
}

interface FauxqsS3Store {
  createBucket(name: string): void;
  putObject(bucket: string, key: string, body: Buffer, contentType?: string): unknown;
  emptyBucket(name: string): void;
}

interface FauxqsInternals {
  readonly S3Store: new () => FauxqsS3Store;
  readonly SqsStore: new () => object;
  readonly SnsStore: new () => object;
}

/** fauxqs's `dist/` folder: its `exports` map hides everything but the entry point from `require.resolve`. */
function fauxqsDist(): string | null {
  for (const dir of require.resolve.paths('fauxqs') ?? []) {
    const dist = path.join(dir, 'fauxqs', 'dist');
    if (existsSync(path.join(dist, 's3', 's3Store.js'))) return dist;
  }
  return null;
}

async function loadInternals(): Promise<FauxqsInternals | null> {
  const dist = fauxqsDist();
  if (dist === null) return null;
  const load = (file: string): Promise<Record<string, unknown>> =>
    import(pathToFileURL(path.join(dist, file)).href) as Promise<Record<string, unknown>>;
  try {
    const [s3, sqs, sns] = await Promise.all([
      load('s3/s3Store.js'),
      load('sqs/sqsStore.js'),
      load('sns/snsStore.js'),
    ]);
    const { S3Store } = s3;
    const { SqsStore } = sqs;
    const { SnsStore } = sns;
    if (typeof S3Store !== 'function' || typeof SqsStore !== 'function' || typeof SnsStore !== 'function')
      return null;
    const internals = { S3Store, SqsStore, SnsStore } as unknown as FauxqsInternals;
    const probe = new internals.S3Store();
    if (typeof probe.putObject !== 'function' || typeof probe.createBucket !== 'function') return null;
    return internals;
  } catch {
    return null;
  }
}

async function startWithInternalStore(internals: FauxqsInternals): Promise<Emulator> {
  const { buildApp } = await import('fauxqs');
  const s3Store = new internals.S3Store();
  const stores = {
    s3Store,
    sqsStore: new internals.SqsStore(),
    snsStore: new internals.SnsStore(),
  } as unknown as NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;
  const app = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: EMULATOR_REGION, stores });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs: no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    seeding: 'internal-store',
    createBucket: (name) => s3Store.createBucket(name),
    seed: (bucket, objects) => {
      let written = 0;
      for (const object of objects) {
        s3Store.putObject(bucket, object.key, Buffer.from(object.body), 'application/json');
        written++;
      }
      return Promise.resolve(written);
    },
    emptyBucket: (name) => s3Store.emptyBucket(name),
    stop: () => app.close(),
  };
}

async function startWithPutObject(): Promise<Emulator> {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = emulatorS3Client(endpoint);
  return {
    endpoint,
    seeding: 'put-object',
    createBucket: (name) => void server.createBucket(name),
    seed: async (bucket, objects) => {
      const iterator = objects[Symbol.iterator]();
      let written = 0;
      const worker = async (): Promise<void> => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          const { key, body } = next.value;
          await client.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
          );
          written++;
        }
      };
      await Promise.all(Array.from({ length: PUT_CONCURRENCY }, worker));
      return written;
    },
    emptyBucket: (name) => server.emptyBucket(name),
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** Starts fauxqs on 127.0.0.1 (a free port), seeding through its internal store when it can. */
export async function startEmulator(options: { forcePutObject?: boolean } = {}): Promise<Emulator> {
  const internals = options.forcePutObject ? null : await loadInternals();
  return internals ? startWithInternalStore(internals) : startWithPutObject();
}

/** Runs `fn` with a fresh emulator and stops the emulator afterwards, whatever `fn` does. */
export async function withEmulator<T>(fn: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator();
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

/**
 * An SDK client of the emulator at `endpoint` (the emulator's own, or a proxy in front of it): its dummy
 * credentials, path-style addressing, and checksums only where an operation requires them (as `makeS3Client`).
 */
export function emulatorS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: EMULATOR_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * A hermetic environment for a child process that reaches the emulator: `PATH`, `HOME` in `home`, the dummy
 * credentials, no shared config or credentials files, no instance metadata.
 */
export function emulatorEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: path.join(home, 'aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'aws-credentials-none'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
