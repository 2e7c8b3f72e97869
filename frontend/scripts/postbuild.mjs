// The standalone server serves only what is beside it: copy the static assets and public/.
import { cpSync, existsSync } from "node:fs";

const standalone = ".next/standalone";
if (!existsSync(`${standalone}/server.js`)) {
  console.error("no standalone build found (next.config.ts must say output: 'standalone')");
  process.exit(1);
}
cpSync(".next/static", `${standalone}/.next/static`, { recursive: true });
if (existsSync("public")) cpSync("public", `${standalone}/public`, { recursive: true });
console.log("standalone build ready: node .next/standalone/server.js");
