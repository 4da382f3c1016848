import fc from 'fast-check';

/** Cases per property: FUZZ_RUNS in the environment (npm run fuzz raises it), 2000 by default. */
export const runs = Number(process.env.FUZZ_RUNS ?? 2000);

/**
 * Runs a property and reports how many cases it ran. A failure is shrunk by fast-check to the
 * smallest input that breaks it, and reported with the seed that replays it.
 */
export function check<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  property: (value: T) => void | Promise<void>,
  numRuns = runs,
): Promise<void> | void {
  const report = () => console.log(`# fuzz ${name}: ${numRuns} cases`);
  const result = fc.assert(
    fc.asyncProperty(arb, async (v) => {
      await property(v);
    }),
    { numRuns },
  );
  return result.then(report);
}

/** Bytes that are mostly garbage but sometimes contain the given markers, so parsers get past their first check. */
export const bytesWith = (...markers: number[]) =>
  fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 255 }) },
        { weight: 1, arbitrary: fc.constantFrom(...markers) },
      ),
      { maxLength: 300 },
    )
    .map((a) => Buffer.from(a));

/** Only errors of the expected class may escape a codec; anything else is a crash. */
export function onlyThrows(kind: new (...args: never[]) => Error, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof kind)) throw err;
  }
}
