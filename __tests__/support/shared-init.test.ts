import { hasLocalState, withoutChecksums } from "./shared-init";

describe("the shared init's lock file", () => {
  it("keeps each provider's version and constraints and drops only its checksums", () => {
    // GIVEN a lock file as terraform init writes it, with two providers
    const written = `# This file is maintained automatically by "terraform init".

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "5.100.0"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
    "zh:0123",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.6.0"
  hashes  = ["h1:abc="]
}
`;
    // WHEN its checksums are dropped THEN everything else is as it was
    expect(withoutChecksums(written)).toBe(`# This file is maintained automatically by "terraform init".

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "5.100.0"
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.6.0"
}
`);
  });
});

describe("which terraform blocks every test file shares an init of", () => {
  it.each([
    [{ required_providers: { aws: { source: "aws", version: "5.100.0" } } }, true],
    [{ backend: { local: { path: "../../../terraform.e2e.tfstate" } } }, true],
    [{ backend: { s3: { bucket: "state", key: "e2e.tfstate" } } }, false],
  ])("%j: %s (a remote backend's init reaches that file's emulator)", (block, shared) => {
    expect(hasLocalState(JSON.stringify(block))).toBe(shared);
  });
});
