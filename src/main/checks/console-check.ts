// `console`: wait for a regular expression on this run's serial console (optionally after sending `send`).
import type { CheckRunner } from './context';
import { excerpt } from './context';

/** Runs a console check. Without `send` the whole run's console counts; with it, only what follows the send. */
export const consoleCheck: CheckRunner = async (spec, ctx, deadline) => {
  const re = new RegExp(spec.console!, 'm');
  let from = 0;
  if (spec.send !== undefined) {
    from = ctx.console.end;
    await ctx.sup.writeConsole(ctx.vm.name, spec.send);
  }
  const m = await ctx.console.waitFor(re, from, deadline, ctx.signal);
  if (m) return { passed: true, message: `console matched ${JSON.stringify(m.text)}`, evidence: { match: m.text, offset: m.index } };
  const tail = ctx.console.lastLines(5).join('\n');
  return {
    passed: false,
    message: `no console output matched /${spec.console}/ within the timeout${tail ? `; last line: ${JSON.stringify(ctx.console.lastLines(1)[0] ?? '')}` : ' (the console printed nothing)'}`,
    evidence: { pattern: spec.console, consoleChars: ctx.console.end, tail: excerpt(tail) },
  };
};
