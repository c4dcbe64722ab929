export default async function globalTeardown() {
  const server = globalThis.__FAUXQS__;
  if (server) await server.stop();
}
