// Every spec fails if it leaves an unhandled promise rejection behind: the
// library must never produce one, whatever the fault.
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

afterEach(async () => {
  await new Promise((resolve) => setImmediate(resolve)); // let pending rejections surface
  const found = unhandled.splice(0);
  expect(found).withContext('unhandled promise rejections').toEqual([]);
});
