// Starts one fauxqs process (S3, SNS and SQS on loopback) for the whole jest run and hands its endpoint to
// the tests through FAUXQS_ENDPOINT. fauxqs is ESM-only, hence this .mjs file.
import { startFauxqs } from 'fauxqs';

export default async function globalSetup() {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  globalThis.__FAUXQS__ = server;
  process.env.FAUXQS_ENDPOINT = `http://127.0.0.1:${server.port}`;
}
