// Reads one JSON Schema on stdin (every definition under `$defs`) and writes its TypeScript
// declarations to stdout, through json-schema-to-typescript. Run by `python -m local.web_types`,
// which adds the banner and the server's constants; nothing else calls it.
import { compile } from "json-schema-to-typescript";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const schema = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const declarations = await compile(schema, schema.title, {
  bannerComment: "",
  additionalProperties: false, // a response model lists every field the pages may read
  unreachableDefinitions: false, // the root refers to every definition itself
  declareExternallyReferenced: true,
  enableConstEnums: false,
  format: true,
  strictIndexSignatures: true,
  style: { printWidth: 120, semi: true, singleQuote: false, trailingComma: "all" },
});
process.stdout.write(declarations);
