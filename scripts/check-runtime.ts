/**
 * Fails fast when the runtime is older than the one the workspace pins (Node 24 via npm's
 * platform packages), e.g. when a platform has no such package and the machine's Node is too old.
 */
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `mull needs Node >= 22.12, found ${process.versions.node} at ${process.execPath}. ` +
      "Run through npm scripts or npx (they use the Node pinned in node_modules/.bin), or install Node 24.",
  );
  process.exit(1);
}
