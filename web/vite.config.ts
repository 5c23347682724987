// Three pages, one build: her page at the site root, the officer app and the console beside it.
// The deployment (S3 + CloudFront, or `make run`'s local server) adds /config.json at run time,
// so one build serves every stage.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const page = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  build: {
    target: "es2022",
    sourcemap: true,
    // The Chime SDK is loaded only when a call starts; it is big and her page must be quick.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        public: page("index.html"),
        officer: page("officer/index.html"),
        console: page("console/index.html"),
      },
    },
  },
  // amazon-cognito-identity-js (through the `buffer` package) expects Node's `global`.
  define: { global: "globalThis" },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
  },
});
