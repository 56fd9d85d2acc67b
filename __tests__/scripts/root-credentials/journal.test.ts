import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Journal } from "../../../scripts/root-credentials/journal";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const header = { verb: "audit", scope: "o-a1b2c3d4e5 (stack root-access)" };

describe("a run's journal", () => {
  it("holds each finished account, and a run that opens it again gets them back", () => {
    const file = path.join(dir, "resume.journal");
    const first = Journal.open<{ accountId: string; n: number }>(file, header);
    first.record({ accountId: "111111111111", n: 1 });
    first.record({ accountId: "222222222222", n: 2 });
    const again = Journal.open<{ accountId: string; n: number }>(file, header);
    expect([again.size, again.get("222222222222"), again.get("333333333333")]).toEqual([
      2,
      { accountId: "222222222222", n: 2, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      undefined,
    ]);
    // AND it says when its run started
    expect(Date.now() - again.started.getTime()).toBeLessThan(60_000);
  });

  it("refuses a journal started longer ago than allowed, saying how old it is, or starts over where asked to", () => {
    // GIVEN a journal whose run started three days ago
    const file = path.join(dir, "stale.journal");
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    Journal.open(file, header, { now: threeDaysAgo }).record({ accountId: "111111111111" }, threeDaysAgo);
    // WHEN it is opened with a limit of a day THEN it is refused, with its age and what to do
    expect(() => Journal.open(file, header, { maxAgeMs: 86_400_000 })).toThrow(
      `The journal ${file} was started 3 days ago (${threeDaysAgo.toISOString()}), longer ago than --journal-max-age 24 h ` +
        "allows: its results are not today's. Delete it to start over, or give a longer --journal-max-age.",
    );
    // AND within a longer limit its entries come back, with when they finished
    expect(Journal.open(file, header, { maxAgeMs: 4 * 86_400_000 }).get("111111111111")?.at).toBe(threeDaysAgo.toISOString());
    expect(Journal.open(file, header, { maxAgeMs: 86_400_000, onMismatch: "start over" }).size).toBe(0);
  });

  it("refuses, with a limit, a journal that does not say when its run started", () => {
    const file = path.join(dir, "old-version.journal");
    fs.writeFileSync(file, `${JSON.stringify({ journal: "org-root-access", ...header })}\n`);
    expect(() => Journal.open(file, header, { maxAgeMs: 86_400_000 })).toThrow("does not say when its run started");
  });

  it("drops a line a kill cut short, and appends after the last whole one", () => {
    // GIVEN a journal whose last line was cut by SIGKILL while it was written
    const file = path.join(dir, "cut.journal");
    Journal.open(file, header).record({ accountId: "111111111111" });
    fs.appendFileSync(file, '{"accountId":"2222');
    // WHEN it is opened and written again THEN the cut line is gone and the file reads whole
    const again = Journal.open<{ accountId: string }>(file, header);
    expect(again.size).toBe(1);
    again.record({ accountId: "333333333333" });
    expect(Journal.open<{ accountId: string }>(file, header).size).toBe(2);
  });

  it("fails, naming both, on a journal of another run, and starts over where asked to", () => {
    const file = path.join(dir, "other.journal");
    Journal.open(file, { verb: "remove", scope: "o-zzzzzzzzzz" }).record({ accountId: "111111111111" });
    expect(() => Journal.open(file, header)).toThrow(
      `The journal ${file} is for remove of o-zzzzzzzzzz, not for audit of o-a1b2c3d4e5 (stack root-access). Give another --journal file, or delete it to start over.`,
    );
    expect(Journal.open(file, header, { onMismatch: "start over" }).size).toBe(0);
  });
});
