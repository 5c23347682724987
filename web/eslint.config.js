// The React hooks rules over the pages' sources (`npm run lint`, run by `make web-test`).
// Preact's hooks follow React's rules, so eslint-plugin-react-hooks checks them as they are.
// typescript-eslint's parser reads the TypeScript syntax only (no type information, so it stays
// quick); it needs TypeScript's JavaScript API, which TypeScript 7 has not got, so package.json
// installs TypeScript 6 as `typescript` for it and TypeScript 7 as `@typescript/native` for `tsc`.
import tsParser from "@typescript-eslint/parser";
import reactHooks from "eslint-plugin-react-hooks";

export default [
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: {
      parser: tsParser,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
];
