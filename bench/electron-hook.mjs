// Node module hook for the app-start bench: resolves `electron` to the FAKE electron module
// (test/helpers/fake-electron.ts, bundled to out/bench/fake-electron.js), since the Electron binary cannot
// run here. Registered by out/bench/launch-main.js with module.register().
let fakeUrl;

/** Receives the fake's URL from register(..., { data }). */
export function initialize(data) {
  fakeUrl = data.fakeUrl;
}

/** `electron` -> the fake; everything else as usual. */
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: fakeUrl, shortCircuit: true };
  return next(specifier, context);
}
