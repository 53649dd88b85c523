/** Stage 3: the model graph of each stdlib model, snapshotted with its source. */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { compileModel, dumpGraph } from "../../../compiler/index.js";

const stdlib = new URL("../../../stdlib/", import.meta.url);
const models = readdirSync(stdlib).filter((f) => f.endsWith(".moe"));

describe("the model graph", () => {
  it.each(models)("dumps the graph of %s", async (file) => {
    const text = readFileSync(new URL(file, stdlib), "utf8");
    const g = compileModel(text).graph!;
    await expect(`${text}\n----- graph -----\n${dumpGraph(g)}`).toMatchFileSnapshot(`../__snapshots__/graph/${file}.txt`);
  });

  it("links parents and children both ways, parents first", () => {
    const g = compileModel(readFileSync(new URL("hsmoe.moe", stdlib), "utf8")).graph!;
    for (const n of g.nodes) {
      for (const p of n.parents) {
        expect(p).toBeLessThan(n.id);
        expect(g.nodes[p].children).toContain(n.id);
      }
    }
    expect(g.byName.get("z")!.kind).toBe("latent");
    expect(g.byName.get("y")!.kind).toBe("observed");
    expect(g.byName.get("x")!.kind).toBe("input");
    expect(g.byName.get("y")!.parents.map((p) => g.nodes[p].name)).toEqual(["x", "sigma2", "beta", "z"]);
  });
});
