import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT_TASK_DEFINITIONS } from "../../../scripts/shared/root-tasks";
import { PROJECT_ROOT } from "../../support/paths";

// The root tasks are written twice, in two languages: in scripts/shared/root-tasks.ts (what this project asks for
// and does in each session) and in the emulator (what each task policy allows). This keeps them in step.

/** A Python dict literal of the emulator, by its name, as text. */
function pythonBlock(name: string): string {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, "tools", "emulator", "root_user.py"), "utf8");
  const start = source.indexOf(`${name} = {`);
  if (start < 0) throw new Error(`root_user.py has no ${name}`);
  return source.slice(start, source.indexOf("\n}\n", start) + 2);
}

const emulatorActions = Object.fromEntries(
  [...pythonBlock("TASK_ACTIONS").matchAll(/"(\w+)": \{([^}]*)\}/g)].map(([, task, actions]) => [
    task,
    [...actions.matchAll(/"([\w:]+)"/g)].map(([, action]) => action),
  ]),
);
const emulatorFeatures = Object.fromEntries(
  [...pythonBlock("FEATURE_BY_TASK").matchAll(/"(\w+)": "(\w+)"/g)].map(([, task, feature]) => [task, feature]),
);

describe("the root tasks, in the code and in the emulator", () => {
  it("name the same five tasks", () => {
    expect(Object.keys(emulatorActions).sort()).toEqual(Object.keys(ROOT_TASK_DEFINITIONS).sort());
    expect(Object.keys(emulatorFeatures).sort()).toEqual(Object.keys(ROOT_TASK_DEFINITIONS).sort());
  });

  it.each(Object.entries(ROOT_TASK_DEFINITIONS))(
    "agree on %s: the feature it needs, and that its policy allows every call made in it",
    (task, definition) => {
      expect(emulatorFeatures[task]).toBe(definition.feature);
      for (const { action } of definition.requests)
        expect({ task, action, allowed: emulatorActions[task].includes(action) }).toEqual({ task, action, allowed: true });
    },
  );
});
