// The storefront's server: Next's standalone server (next-server.js beside this file) in
// worker processes, one per core by default, so a page render never waits for a core that
// another page holds. `npm run build` puts this file at .next/standalone/server.js
// (scripts/postbuild.mjs).
//
// STOREFRONT_WORKERS: how many workers serve the port (default: one per core). On Kubernetes it
// is 1 and the Deployment's replicas scale it. The workers share each refresh-token exchange
// through this process (src/lib/worker-flight.ts), and a worker that crashes is replaced.
// Each request's X-Forwarded-For is set to the shopper's address (TRUSTED_PROXIES: who may
// forward it), which the BFF passes on to the gateway.
// Workers run with a 64 MB young generation (V8's default is 16 MB): a page's allocations then
// mostly die young: a quarter to a third less time scavenging (docs/performance.md).
"use strict";

const cluster = require("node:cluster");
const http = require("node:http");
const net = require("node:net");
const os = require("node:os");

function workerCount() {
  const raw = process.env.STOREFRONT_WORKERS ?? "";
  if (raw === "") return os.availableParallelism();
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    console.error(`STOREFRONT_WORKERS must be a whole number from 1 to 64, not "${raw}"`);
    process.exit(2);
  }
  return count;
}

/**
 * The primary's side of src/lib/worker-flight.ts: the first worker to ask for a key leads, the
 * others wait for the leader's answer; an answer kept (for as long as the leader asked) is
 * given at once. A
 * leader that dies hands the lead to the next worker waiting.
 */
function shareFlights() {
  const flights = new Map(); // key -> { leader, waiting: [[worker, id]], settled, value, until }
  const answer = (worker, id, turn) => {
    if (worker.isConnected()) worker.send({ type: "flight:answer", id, ...turn });
  };
  cluster.on("message", (worker, message) => {
    if (message?.type === "flight:join") {
      const now = Date.now();
      for (const [key, flight] of flights) {
        if (flight.settled && now > flight.until) flights.delete(key);
      }
      const flight = flights.get(message.key);
      if (!flight) {
        flights.set(message.key, { leader: worker.id, waiting: [], settled: false });
        answer(worker, message.id, { lead: true });
      } else if (flight.settled) {
        answer(worker, message.id, { lead: false, value: flight.value });
      } else {
        flight.waiting.push([worker, message.id]);
      }
    } else if (message?.type === "flight:settle") {
      const flight = flights.get(message.key);
      if (!flight) return;
      for (const [waiter, id] of flight.waiting) answer(waiter, id, { lead: false, value: message.value });
      if (message.keepMs > 0) {
        const until = Date.now() + message.keepMs;
        Object.assign(flight, { settled: true, value: message.value, waiting: [], until });
      } else {
        flights.delete(message.key);
      }
    }
  });
  cluster.on("exit", (worker) => {
    for (const [key, flight] of flights) {
      if (flight.settled || flight.leader !== worker.id) continue;
      const next = flight.waiting.shift();
      if (!next) flights.delete(key);
      else {
        flight.leader = next[0].id;
        answer(next[0], next[1], { lead: true });
      }
    }
  });
}

function serveWithWorkers(count) {
  const running = new Set();
  const serving = new Set(); // workers that have listened: one of these dying is a crash
  let stopping = false;
  const fork = () => running.add(cluster.fork({ STOREFRONT_WORKER: "1" }).id);
  cluster.on("listening", (worker) => serving.add(worker.id));

  const stop = (signal) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  cluster.on("exit", (worker, code, signal) => {
    const served = serving.delete(worker.id);
    running.delete(worker.id);
    if (stopping) {
      if (running.size === 0) process.exit();
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!served) {
      // Starting again would fail again (a taken port, a missing setting): stop, and say so.
      console.error(`storefront: a worker exited with ${how} while starting; stopping`);
      process.exitCode = 1;
      stop("SIGTERM");
      if (running.size === 0) process.exit();
      return;
    }
    console.error(`storefront: worker ${worker.process.pid} exited with ${how}; starting another`);
    fork();
  });

  shareFlights();
  for (let i = 0; i < count; i++) fork();
}

/** V8 flags for the workers, unless the operator chose a young generation size already. */
function workerFlags() {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return given.includes("semi-space") ? process.execArgv : [...process.execArgv, "--max-semi-space-size=64"];
}

/**
 * TRUSTED_PROXIES: the addresses or networks (CIDR) of what forwards shoppers to this server (a
 * load balancer, an ingress controller); none by default.
 */
function trustedProxies() {
  const list = new net.BlockList();
  for (const entry of (process.env.TRUSTED_PROXIES ?? "").split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const [address, bits] = entry.split("/");
    const family = net.isIPv6(address) ? "ipv6" : "ipv4";
    if (!net.isIP(address) || (bits !== undefined && !/^\d+$/.test(bits))) {
      console.error(`TRUSTED_PROXIES: "${entry}" is not an address or a network`);
      process.exit(2);
    }
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function plain(address) {
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * Every request's X-Forwarded-For becomes the one shopper's address that the BFF passes on to
 * the gateway (src/lib/api/client.ts): the peer's, or behind trusted forwarders the right-most
 * address they did not add. What a browser sends itself is never believed.
 */
function believeShopperAddress(trusted) {
  const isTrusted = (address) =>
    net.isIP(address) !== 0 && trusted.check(address, net.isIPv6(address) ? "ipv6" : "ipv4");
  const shopper = (request) => {
    const peer = plain(request.socket.remoteAddress);
    if (!peer || !isTrusted(peer)) return peer;
    const forwarded = String(request.headers["x-forwarded-for"] ?? "")
      .split(",")
      .map((entry) => plain(entry.trim()))
      .filter((entry) => net.isIP(entry) !== 0);
    while (forwarded.length > 0) {
      const address = forwarded.pop();
      if (!isTrusted(address)) return address;
    }
    return peer;
  };
  const createServer = http.createServer;
  http.createServer = (...args) => {
    const server = createServer(...args);
    server.prependListener("request", (request) => {
      const address = shopper(request);
      if (address) request.headers["x-forwarded-for"] = address;
      else delete request.headers["x-forwarded-for"];
    });
    return server;
  };
}

if (cluster.isPrimary) {
  trustedProxies(); // a wrong setting stops the server before any worker starts
  cluster.setupPrimary({ execArgv: workerFlags() });
  serveWithWorkers(workerCount());
} else {
  believeShopperAddress(trustedProxies());
  require("./next-server.js");
}
