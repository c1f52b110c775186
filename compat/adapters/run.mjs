// The packed rx-bearer's adapters with the real libraries, against the
// api.video test server (rx-bearer/testing) on 127.0.0.1. For each: one
// request, then the server revokes every token, then 100 concurrent requests:
// exactly 1 refresh, 0 failures; and a request to another origin carries no
// token. gRPC: a local server over TLS (a throwaway self-signed certificate
// from openssl) whose handler checks the token against the test server.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { HttpModule, HttpService } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import ky from 'ky';
import createClient from 'openapi-fetch';
import { firstValueFrom, Observable } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { useBearer } from 'rx-bearer/axios';
import { bearerCredential, isUnauthenticated } from 'rx-bearer/grpc';
import { bearerKy } from 'rx-bearer/ky';
import { bearerOpenApiFetch } from 'rx-bearer/openapi-fetch';
import { createApiVideoTestServer } from 'rx-bearer/testing';

const api = await createApiVideoTestServer();
const other = await createApiVideoTestServer();
const failures = [];
const check = (name, ok, detail) => (ok ? console.log(`ok   ${name}`) : (failures.push(name), console.log(`FAIL ${name}: ${detail}`)));

// gRPC: one service, JSON messages (no .proto needed), over TLS: grpc-js sends call credentials on secure channels only.
const certs = mkdtempSync(join(tmpdir(), 'rx-bearer-grpc-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  '-keyout', join(certs, 'key.pem'), '-out', join(certs, 'cert.pem')], { stdio: 'ignore' });
const [key, cert] = ['key.pem', 'cert.pem'].map((file) => readFileSync(join(certs, file)));
rmSync(certs, { recursive: true, force: true });
const json = { serialize: (value) => Buffer.from(JSON.stringify(value)), deserialize: (buffer) => JSON.parse(buffer.toString()) };
const service = { list: { path: '/video.Videos/List', requestStream: false, responseStream: false, requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize } };
const grpcCalls = [];
async function startGrpc() {
  const server = new grpc.Server();
  server.addService(service, {
    list: async (call, callback) => {
      const [authorization] = call.metadata.get('authorization');
      grpcCalls.push({ port, authorization: authorization !== undefined });
      // The token is checked where api.video would check it: the test server's API.
      const answer = await fetch(`${api.url}/videos`, { headers: authorization ? { authorization: String(authorization) } : {} });
      if (answer.status === 401) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'token refused' });
      callback(null, { videos: (await answer.json()).data.length });
    },
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, port };
}
const grpcApi = await startGrpc();
const grpcOther = await startGrpc();

/**
 * A client of its own per library (the auth budget, a burst of 3 calls, is per
 * client): one warm-up request, a revocation, 100 concurrent requests; then
 * one request to the other origin.
 */
let auth;
async function scenario(name, send, sendElsewhere) {
  const since = Date.now();
  await send();
  api.revokeAll();
  const refreshesBefore = api.counts['POST /auth/refresh'] ?? 0;
  const results = await Promise.allSettled(Array.from({ length: 100 }, send));
  const failed = results.filter((result) => result.status === 'rejected');
  const refreshes = (api.counts['POST /auth/refresh'] ?? 0) - refreshesBefore;
  check(`${name}: 100 concurrent after a revocation -> 1 refresh, 0 failures`, refreshes === 1 && failed.length === 0, `${refreshes} refreshes, ${failed.length} failures (${failed[0]?.reason})`);
  const seen = await sendElsewhere();
  check(`${name}: no token to another origin`, seen.length > 0 && seen.every((carried) => carried === false), JSON.stringify(seen));
  console.log(`     ${name}: ${Date.now() - since} ms`);
  auth.dispose();
}
const newAuth = () => (auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, allowedOrigins: ['https://127.0.0.1'], retry: { initialDelay: 5 } }));
let otherSeen = 0;
const otherSince = () => other.log.slice(otherSeen, (otherSeen = other.log.length)).map((entry) => entry.hadAuthorization);

newAuth();
// ky
const kyApi = ky.create({ prefixUrl: api.url, ...bearerKy(auth) });
await scenario('ky', () => kyApi.get('videos').json(), async () => (await ky.get(`${other.url}/videos`, { ...bearerKy(auth), throwHttpErrors: false }), otherSince()));

newAuth();
// axios
const axiosApi = axios.create({ baseURL: api.url });
useBearer(axiosApi, auth);
await scenario('axios', () => axiosApi.get('/videos'), async () => (await axiosApi.get(`${other.url}/videos`, { validateStatus: () => true }), otherSince()));

newAuth();
// openapi-fetch
const client = createClient({ baseUrl: api.url, ...bearerOpenApiFetch(auth) });
const otherClient = createClient({ baseUrl: other.url, ...bearerOpenApiFetch(auth) });
await scenario(
  'openapi-fetch',
  async () => {
    const { error, response } = await client.GET('/videos');
    if (error !== undefined) throw new Error(`HTTP ${response.status}`);
  },
  async () => (await otherClient.GET('/videos'), otherSince()),
);

// NestJS: HttpModule's HttpService (axios underneath), the interceptor installed once on its axios instance.
const BEARER_AUTH = Symbol('BEARER_AUTH');
class VideosService {
  constructor(http) {
    this.http = http;
  }
  list() {
    return this.http.get('/videos');
  }
}
class AppModule {}
Module({
  imports: [HttpModule.register({ baseURL: api.url })],
  providers: [
    { provide: BEARER_AUTH, useFactory: () => newAuth() },
    { provide: VideosService, inject: [HttpService, BEARER_AUTH], useFactory: (http, bearerAuth) => (useBearer(http.axiosRef, bearerAuth), new VideosService(http)) },
  ],
})(AppModule);
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const videos = app.get(VideosService);
const http = app.get(HttpService);
await scenario('NestJS HttpService', () => firstValueFrom(videos.list()), async () => (await firstValueFrom(http.get(`${other.url}/videos`, { validateStatus: () => true })), otherSince()));
await app.close();

newAuth();
// gRPC: createFromGoogleCredential(bearerCredential(auth)); each call inside auth.authorize for the one refresh and one resend.
const channel = () => grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(cert), grpc.credentials.createFromGoogleCredential(bearerCredential(auth)));
const Client = grpc.makeGenericClientConstructor(service, 'Videos');
const grpcClient = new Client(`127.0.0.1:${grpcApi.port}`, channel());
// grpc-js's service URL is https://<host>/<service>, without the port: another origin is another host name.
const grpcElsewhere = new Client(`localhost:${grpcOther.port}`, channel());
const call = (target) => new Observable((subscriber) => {
  const pending = target.list({}, (error, reply) => (error ? subscriber.error(error) : (subscriber.next(reply), subscriber.complete())));
  return () => pending.cancel();
});
await scenario(
  'gRPC (grpc-js)',
  () => firstValueFrom(auth.authorize(() => call(grpcClient), { isUnauthorized: isUnauthenticated })),
  async () => {
    await firstValueFrom(call(grpcElsewhere)).catch(() => undefined);
    return grpcCalls.filter((entry) => entry.port === grpcOther.port).map((entry) => entry.authorization);
  },
);
const grpcTokens = grpcCalls.filter((entry) => entry.port === grpcApi.port);
check('gRPC (grpc-js): every call to the allowed origin carried the token', grpcTokens.length >= 101 && grpcTokens.every((entry) => entry.authorization), `${grpcTokens.length} calls`);

grpcClient.close();
grpcElsewhere.close();
await Promise.all([grpcApi.server.forceShutdown(), grpcOther.server.forceShutdown(), api.close(), other.close()]);
console.log(`${failures.length === 0 ? 'all adapters passed' : `${failures.length} failed`}`);
process.exitCode = failures.length ? 1 : 0;
