import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { CreateOrganizationCommand, DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { Emulator } from "../../../tools/emulator/emulator";
import { EmulatorForkServer, FORK_SERVER_VARIABLE, StartingEmulator, forkEmulator } from "../../../tools/emulator/server";
import { organizationsAs } from "../../support/aws";

let forkServer: EmulatorForkServer;
const forks: StartingEmulator[] = [];

beforeAll(async () => {
  forkServer = await EmulatorForkServer.start();
});
afterAll(async () => {
  await Promise.all(forks.map((fork) => fork.stop()));
  await forkServer?.stop();
});

async function fork(): Promise<{ endpoint: string; stop(): Promise<void>; env: NodeJS.ProcessEnv }> {
  const starting = forkEmulator(forkServer.socket);
  forks.push(starting);
  const endpoint = await starting.endpoint;
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
  };
  return { endpoint, stop: () => starting.stop(), env };
}

const answers = (endpoint: string) =>
  fetch(`${endpoint}/_org-root-access/calls`).then(
    (response) => response.ok,
    () => false,
  );

describe("the emulator fork server (moto_server.py --fork-server)", () => {
  it("forks a separate, empty emulator per connection, each with its own random state", async () => {
    // GIVEN two forks
    const [one, two] = [await fork(), await fork()];
    expect(one.endpoint).not.toBe(two.endpoint);
    // WHEN each creates an organization
    const created = await Promise.all(
      [one, two].map(({ env }) => organizationsAs(env).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))),
    );
    // THEN they are two organizations with different IDs (a fork does not replay its parent's random numbers)
    expect(created[0].Organization!.Id).not.toBe(created[1].Organization!.Id);
    // AND a third fork starts from nothing: the forks' state never reaches the fork server
    const three = await fork();
    await expect(organizationsAs(three.env).send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
      name: "AWSOrganizationsNotInUseException",
    });
    // AND each answers only its own calls
    expect(await (await fetch(`${three.endpoint}/_org-root-access/calls`)).json()).toEqual({
      "organizations:DescribeOrganization": 1,
    });
  });

  it("stops a fork when its connection closes, by stop() or by its owner dying, and keeps forking", async () => {
    // GIVEN a fork stopped by stop(), and one whose connection is simply dropped (as when a test process dies)
    const stopped = await fork();
    await stopped.stop();
    const socket = net.createConnection(forkServer.socket);
    const line = await new Promise<string>((resolve) => socket.once("data", (chunk) => resolve(chunk.toString())));
    const orphan = /listening on (\S+)/.exec(line)![1];
    expect(await answers(orphan)).toBe(true);
    socket.destroy();
    // THEN both stop answering
    expect(await answers(stopped.endpoint)).toBe(false);
    for (let waited = 0; (await answers(orphan)) && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await answers(orphan)).toBe(false);
    // AND the fork server still forks
    expect(await answers((await fork()).endpoint)).toBe(true);
  });

  it("removes its socket when stopped, and a fork from it then fails naming the socket", async () => {
    // GIVEN a second fork server, stopped
    const other = await EmulatorForkServer.start();
    await other.stop();
    // THEN its socket folder is gone
    expect(fs.existsSync(path.dirname(other.socket))).toBe(false);
    // AND a fork from it fails with the socket in the message
    await expect(forkEmulator(other.socket).endpoint).rejects.toThrow(
      `The local AWS emulator could not fork from ${other.socket}: connect ENOENT ${other.socket}.`,
    );
  });
});

describe("the test tiers", () => {
  it("fork every emulator a test starts from this run's fork server", () => {
    expect(process.env[FORK_SERVER_VARIABLE]).toMatch(/root-access-emulator-forks-.+\/socket$/);
    expect(Emulator.forkServer).toBe(process.env[FORK_SERVER_VARIABLE]);
  });

  it("start an emulator of its own when a test asks for a port", async () => {
    // GIVEN a fork server that cannot fork
    const runs = Emulator.forkServer;
    Emulator.forkServer = "/nonexistent/socket";
    try {
      // WHEN a test starts an emulator with no options THEN it is forked (and fails here, naming the socket)
      await expect(Emulator.start()).rejects.toThrow("could not fork from /nonexistent/socket");
      // WHEN it asks for a port THEN python starts an emulator of its own, which answers until stopped
      const own = await Emulator.start({ port: 0 });
      expect(await answers(own.endpoint)).toBe(true);
      await own.stop();
      expect(await answers(own.endpoint)).toBe(false);
    } finally {
      Emulator.forkServer = runs;
    }
  });
});
