/**
 * Throws the TypeError of a bad option, naming it. `requirement` is what the
 * option must be, given as `DEV && '...'`: the browser production build says
 * only that the option is invalid.
 */
export function invalidOption(option: string, requirement: string | false): never {
  throw new TypeError(requirement ? `"${option}" option must be ${requirement}` : `"${option}" option is invalid`);
}
