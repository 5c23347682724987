// The conformance harness's own build (tests only): `vite build --config harness/vite.config.ts`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  build: { target: "es2022", outDir: process.env.HARNESS_OUT ?? "../dist-harness", emptyOutDir: true },
  define: { global: "globalThis" },
  logLevel: "warn",
});
