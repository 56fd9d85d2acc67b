// Stands in for the archiver package in build/main.js. cdktf loads archiver at startup for zip assets
// (AssetType.ARCHIVE), which costs a fifth of every synth; this app ships one plain file asset.
module.exports = function archiver() {
  throw new Error(
    "build/main.js bundles no zip support (archiver): use AssetType.FILE or DIRECTORY, or drop the stub in tools/build.mjs.",
  );
};
