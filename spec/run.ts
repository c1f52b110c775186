// Runs the jasmine suite and ends with the plain "N passed, N failed" line CI reads.
import Jasmine from 'jasmine';

const runner = new Jasmine({ projectBaseDir: process.cwd() });
runner.exitOnCompletion = false;
await runner.loadConfigFile('spec/support/jasmine.json');
let passed = 0;
let failed = 0;
runner.addReporter({
  specDone(result) {
    if (result.status === 'passed') passed++;
    else if (result.status === 'failed') failed++;
  },
});
// Arguments: spec files to run (default: all), and --filter=REGEX on spec names.
const args = process.argv.slice(2);
const filter = args.find((arg) => arg.startsWith('--filter='))?.slice('--filter='.length);
const files = args.filter((arg) => !arg.startsWith('--'));
const result = await runner.execute(files.length ? files : undefined, filter);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = result.overallStatus === 'passed' ? 0 : 1;
