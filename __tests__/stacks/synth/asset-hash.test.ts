import { AssetType, Testing, TerraformAsset, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assetHashOf } from "../../../stacks/synth/asset-hash";

describe("the script asset's hash, computed once per synth", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asset-hash-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is the hash cdktf computes itself, and follows the file's content", () => {
    // GIVEN a file, and the hash cdktf's TerraformAsset gives it
    const file = path.join(dir, "script.js");
    fs.writeFileSync(file, "console.log('first');\n");
    const cdktfHash = () =>
      new TerraformAsset(new TerraformStack(Testing.app(), "s"), "a", { path: file, type: AssetType.FILE }).assetHash;
    // WHEN ours is computed THEN they agree, before and after the file changes
    expect(assetHashOf(file)).toBe(cdktfHash());
    fs.writeFileSync(file, "console.log('second, longer');\n");
    expect(assetHashOf(file)).toBe(cdktfHash());
    expect(assetHashOf(file)).toMatch(/^[0-9A-F]{32}$/);
  });
});
