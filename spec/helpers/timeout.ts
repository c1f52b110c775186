// Every spec and hook gets at most 10 s unless it asks for more (the last argument of it(), beforeAll()...): one that
// waits for something that never comes fails with a timeout and the run goes on (jasmine's own default is 5 s; some
// HTTP specs on a busy 2-core machine came close to it). spec/run.ts then exits even if it left a handle open.
jasmine.DEFAULT_TIMEOUT_INTERVAL = 10_000;
