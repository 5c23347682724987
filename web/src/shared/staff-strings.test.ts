/**
 * The officer app and the console say nothing that is not in a catalogue (docs/web.md,
 * "Languages"): a check over their sources' syntax trees (TypeScript's own parser), so a string
 * typed straight into a page fails here, and every key a page looks up exists in its catalogue.
 */
import ts from "typescript";
import { describe, expect, it } from "vitest";

import { messages as consoleMessages } from "../console/messages";
import { messages as officerMessages } from "../officer/messages";
import { messages as herMessages } from "./messages/en";
import { messages as staffMessages } from "./staff-messages";

const SOURCES = import.meta.glob<string>(
  [
    "../officer/*.{ts,tsx}",
    "../console/*.{ts,tsx}",
    "./signin.tsx",
    "!../officer/*.test.ts",
    "!../officer/messages.ts",
    "!../console/*.test.ts",
    "!../console/messages.ts",
    "!../console/charts-geometry.ts", // SVG path commands and key names: no words
  ],
  { query: "?raw", import: "default", eager: true },
);

/** Attributes whose values are for the machine, not for people. */
const TECHNICAL_ATTRIBUTES = new Set([
  "class", "id", "key", "type", "for", "href", "role", "name", "dir", "lang", "scope", "method",
  "autoComplete", "autoCapitalize", "inputMode", "pattern", "tabIndex", "spellcheck",
  "aria-live", "aria-current", "aria-atomic", "aria-hidden", "aria-pressed", "aria-expanded",
  "aria-labelledby", "aria-describedby", "aria-controls", "aria-invalid",
  "fill", "stroke", "stroke-width", "stroke-dasharray", "text-anchor", "font-size", "viewBox",
  "patternUnits", "patternTransform", "focusable", "width", "height", "x", "y", "r",
]);

/** Strings for the machine that happen to look like words: HTTP methods and headers, a zone. */
const TECHNICAL_STRINGS = new Set([
  "GET",
  "POST",
  "PUT",
  "Idempotency-Key",
  "Content-Disposition",
  "Bearer ",
  "Europe/London", // an IANA zone
  "T00:00:00Z", // the time of day an ISO date is read at
]);

/** Words a person would read: a first letter in capitals, or two words with a space between. */
function looksLikeWords(text: string): boolean {
  if (TECHNICAL_STRINGS.has(text) || KEYS.has(text)) return false;
  return /^\P{L}*\p{Lu}/u.test(text) || /\p{L}\s+\p{L}/u.test(text);
}

const LETTER = /\p{L}/u;

const CATALOGUES: Record<string, Record<string, string>> = {
  "officer.": officerMessages,
  "console.": consoleMessages,
  "staff.": staffMessages,
};

/** Every key: a string that is one names a message (a model returns it; a page looks it up). */
const KEYS = new Set([...Object.values(CATALOGUES).flatMap((c) => Object.keys(c)), ...Object.keys(herMessages)]);

/** The catalogue lookups: `t("key")`, `words.t("key")`. */
function isLookup(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (ts.isIdentifier(callee) && callee.text === "t") || (ts.isPropertyAccessExpression(callee) && callee.name.text === "t");
}

interface Found {
  literals: string[];
  keys: string[];
}

/** Every user-visible literal left in a source, and every key it looks up. */
export function scan(fileName: string, source: string): Found {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const literals: string[] = [];
  const keys: string[] = [];
  const where = (node: ts.Node) => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (isLookup(node)) {
      // The key (and any key chosen by a condition): checked against the catalogues, not as words.
      const [first, ...rest] = node.arguments;
      const collectKeys = (arg: ts.Node): void => {
        if (ts.isStringLiteral(arg)) keys.push(arg.text);
        else ts.forEachChild(arg, collectKeys);
      };
      if (first) collectKeys(first);
      rest.forEach(visit);
      return;
    }
    if (ts.isJsxText(node)) {
      const text = node.text.trim();
      if (LETTER.test(text)) literals.push(`${where(node)} text ${JSON.stringify(text)}`);
      return;
    }
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(file);
      const value = node.initializer;
      if (value && ts.isStringLiteral(value)) {
        if (!TECHNICAL_ATTRIBUTES.has(name) && LETTER.test(value.text)) literals.push(`${where(node)} ${name}=${JSON.stringify(value.text)}`);
        return;
      }
      if (TECHNICAL_ATTRIBUTES.has(name)) return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (looksLikeWords(node.text)) literals.push(`${where(node)} ${JSON.stringify(node.text)}`);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
      if (parts.some(looksLikeWords)) literals.push(`${where(node)} \`${parts.join("…")}\``);
      node.templateSpans.forEach((span) => visit(span.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { literals, keys };
}

function catalogueFor(key: string): Record<string, string> {
  const prefix = Object.keys(CATALOGUES).find((p) => key.startsWith(p));
  return prefix ? (CATALOGUES[prefix] ?? {}) : herMessages;
}

describe("the officer app's and the console's words", () => {
  const files = Object.entries(SOURCES);
  const scanned = files.map(([name, source]) => ({ name, ...scan(name, source) }));

  it("reads the pages' own sources", () => {
    const names = files.map(([name]) => name);
    for (const expected of ["../officer/main.tsx", "../officer/after-view.tsx", "../console/main.tsx", "../console/service.tsx", "../console/feedback.tsx", "./signin.tsx"]) {
      expect(names).toContain(expected);
    }
  });

  it("has no user-visible string left outside a catalogue", () => {
    expect(scanned.flatMap((f) => f.literals)).toEqual([]);
  });

  it("looks up only keys its catalogues have", () => {
    const missing = scanned.flatMap((f) => f.keys.filter((key) => !(key in catalogueFor(key))).map((key) => `${f.name}: ${key}`));
    expect(missing).toEqual([]);
  });

  it("uses every key of the officer's, the console's and the staff catalogues", () => {
    // Keys are written out in full where they are used (no `officer.${x}`), so this can check.
    const everywhere = [...files.map(([, source]) => source), ...Object.values(import.meta.glob<string>(["../console/*.ts", "!../console/*.test.ts", "!../console/messages.ts"], { query: "?raw", import: "default", eager: true }))].join("\n");
    const unused = Object.values(CATALOGUES)
      .flatMap((catalogue) => Object.keys(catalogue))
      .filter((key) => !everywhere.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it("keeps every catalogue's keys under its own prefix, with no empty message", () => {
    for (const [prefix, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of Object.entries(catalogue)) {
        expect(key.startsWith(prefix), key).toBe(true);
        expect(text.trim(), key).not.toBe("");
      }
    }
  });
});

describe("the check itself", () => {
  it("finds a hard-coded heading, attribute, label and error", () => {
    const { literals } = scan(
      "x.tsx",
      `export const A = () => (<section aria-label="Video call"><h1>Prove who you are</h1>
         <Call999 text="Call 999 now" /><p>{busy ? "Starting…" : t("officer.start.button")}</p></section>);
       const e = new Error(\`No officer \${n} here\`);`,
    );
    expect(literals).toHaveLength(5);
  });

  it("lets keys, class names, ids and punctuation through", () => {
    const { literals, keys } = scan(
      "x.tsx",
      `export const A = () => (<p class="primary huge" id="code-heading" aria-hidden="true">✔ {" · "}
         {t(ok ? "officer.done" : "officer.cancel.button", { n: 1 })}<span>{\`row-\${level}\`}</span></p>);
       api.request("/sessions", { method: "POST", headers: { "Idempotency-Key": key } });`,
    );
    expect(literals).toEqual([]);
    expect(keys).toEqual(["officer.done", "officer.cancel.button"]);
  });
});
