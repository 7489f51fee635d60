/**
 * Imported first by the Node entry points: on a Node.js older than 22 the native SQLite driver
 * crashes without a word, so say it in one line instead. `npm install` puts Node 22 in
 * node_modules/.bin (the `node` dev dependency), which every npm script runs on.
 */
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `This needs Node.js 22 or newer, and this is ${process.version}. Run it through npm ` +
      '(npm start, npm run cli -- …, npm test): after npm install they use the Node 22 in ' +
      'node_modules/.bin.\n',
  );
  process.exit(1);
}
