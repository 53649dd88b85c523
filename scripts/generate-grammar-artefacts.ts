/** Writes the generated grammar artefacts (see grammar/reference.ts). */
import { writeFileSync } from "node:fs";
import { grammarArtefacts } from "../grammar/reference.js";

for (const [path, text] of Object.entries(grammarArtefacts())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
