// Runs the jasmine suite and ends with the plain "N passed, N failed" line CI reads.
import Jasmine from 'jasmine';

const runner = new Jasmine({ projectBaseDir: process.cwd() });
runner.exitOnCompletion = false;
// Arguments: spec files to run (default: all), --filter=REGEX on spec names, --config=FILE (default spec/support/jasmine.json).
const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
await runner.loadConfigFile(option('config') ?? 'spec/support/jasmine.json');
// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org): CI logs and pipes get plain text.
runner.configureDefaultReporter({ showColors: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) });
let passed = 0;
let failed = 0;
runner.addReporter({
  specDone(result) {
    if (result.status === 'passed') passed++;
    else if (result.status === 'failed') failed++;
  },
  // A beforeAll/afterAll that throws, or an error outside any spec, fails the run without failing a spec: count it,
  // so that the last line never says "0 failed" for a run that exits 1.
  suiteDone(result) {
    if (result.status === 'failed') failed++;
  },
  jasmineDone(result) {
    if (result.failedExpectations.length > 0) failed++;
  },
});
const filter = option('filter');
const files = args.filter((arg) => !arg.startsWith('--'));
const result = await runner.execute(files.length ? files : undefined, filter);
// Exit now rather than when the event loop empties: a failing spec may leave a server, a socket or a timer behind,
// and the run must still end (with 1) instead of hanging after its last line. The write's callback runs once the
// line, and everything the reporter wrote before it, has been handed to the OS, even when stdout is a pipe.
process.stdout.write(`${passed} passed, ${failed} failed\n`, () => process.exit(result.overallStatus === 'passed' ? 0 : 1));
