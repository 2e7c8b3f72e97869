// The standalone server serves only what is beside it: copy the static assets and public/.
// Next's own server.js becomes next-server.js, started by scripts/server.cjs (one process per
// core) as server.js, so every way of starting the storefront stays `node server.js`.
import { copyFileSync, cpSync, existsSync, readFileSync, renameSync } from "node:fs";

const standalone = ".next/standalone";
const wrapper = readFileSync("scripts/server.cjs", "utf8");
if (!existsSync(`${standalone}/server.js`)) {
  console.error("no standalone build found (next.config.ts must say output: 'standalone')");
  process.exit(1);
}
if (readFileSync(`${standalone}/server.js`, "utf8") !== wrapper) {
  renameSync(`${standalone}/server.js`, `${standalone}/next-server.js`);
  copyFileSync("scripts/server.cjs", `${standalone}/server.js`);
}
cpSync(".next/static", `${standalone}/.next/static`, { recursive: true });
if (existsSync("public")) cpSync("public", `${standalone}/public`, { recursive: true });
console.log("standalone build ready: node .next/standalone/server.js");
