// Test helper: the committed fixture files of tests/e2e/fixtures, kept equal to what the ENT's
// extensions write (`MESSAGERIE_UPDATE_FIXTURES=1` writes them again). Node's `fs`, typed here
// because the UI's types do not include Node's; only tests import this module.
type Fs = {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string): void;
};
const fs = (await import(/* @vite-ignore */ `node:${"fs"}`)) as Fs;
const node = (globalThis as { process?: { env: Record<string, string | undefined>; cwd(): string } }).process;
const env = node?.env ?? {};

/** vitest runs in ui/ (`npm test`). */
const DIR = `${node?.cwd() ?? "."}/../tests/e2e/fixtures/`;

/**
 * The committed fixture `path` (under tests/e2e/fixtures), written from `expected` first when
 * it is missing or MESSAGERIE_UPDATE_FIXTURES=1.
 */
export function fixtureFile(path: string, expected: string): string {
  const file = DIR + path;
  if (env.MESSAGERIE_UPDATE_FIXTURES === "1" || !fs.existsSync(file)) fs.writeFileSync(file, expected);
  return fs.readFileSync(file, "utf8");
}
