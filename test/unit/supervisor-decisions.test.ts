// The supervisor's pure decisions, by tables: state machine, stop ladder, exit summaries, /proc parsing,
// stats maths, events parsing, rotation cut points.
import { describe, expect, it } from 'vitest';
import { isCrash, nextState, type VmInput } from '../../src/main/supervisor/state-machine';
import { stepTimeoutMs, stopSteps, summariseExit } from '../../src/main/supervisor/stop-ladder';
import { parseProcStat } from '../../src/main/supervisor/proc';
import { cpuPercent, pushBounded } from '../../src/main/supervisor/stats';
import { parseEvents } from '../../src/main/supervisor/events-log';
import { rotationCut } from '../../src/main/supervisor/log-rotation';
import { qemuErrorLines } from '../../src/main/supervisor/log-tail';
import { qmpEventMessage } from '../../src/main/supervisor/vm-session';
import type { VmState } from '../../src/shared/vm';

describe('nextState', () => {
  const exit = (o: Partial<Extract<VmInput, { type: 'exited' }>>): VmInput => ({ type: 'exited', requested: false, code: 0, signal: null, ...o });
  const table: Array<[VmState, VmInput, VmState]> = [
    ['starting', { type: 'qmp-ready', running: true }, 'running'],
    ['starting', { type: 'qmp-ready', running: false }, 'paused'],
    ['running', { type: 'qmp-ready', running: false }, 'running'],
    ['running', { type: 'qmp-event', event: 'STOP' }, 'paused'],
    ['paused', { type: 'qmp-event', event: 'RESUME' }, 'running'],
    ['running', { type: 'qmp-event', event: 'POWERDOWN' }, 'running'],
    ['stopping', { type: 'qmp-event', event: 'RESUME' }, 'stopping'],
    ['exited', { type: 'qmp-event', event: 'RESUME' }, 'exited'],
    ['running', { type: 'stop-requested' }, 'stopping'],
    ['paused', { type: 'stop-requested' }, 'stopping'],
    ['exited', { type: 'stop-requested' }, 'exited'],
    ['stopping', exit({ requested: true, shutdownReason: 'guest-shutdown' }), 'exited'],
    ['stopping', exit({ requested: true, code: null, signal: 'SIGKILL' }), 'exited'],
    ['running', exit({ shutdownReason: 'guest-shutdown' }), 'exited'],
    ['running', exit({ code: null, signal: 'SIGKILL' }), 'crashed'],
    ['running', exit({ code: 1 }), 'crashed'],
    ['running', exit({ code: null, signal: null }), 'exited'],
    ['running', exit({ shutdownReason: 'guest-panic' }), 'crashed'],
    ['starting', { type: 'start-failed' }, 'crashed'],
    ['running', { type: 'start-failed' }, 'running'],
    ['running', { type: 'identity-lost' }, 'lost'],
    ['exited', { type: 'identity-lost' }, 'exited'],
  ];
  it.each(table)('%s + %j -> %s', (from, input, to) => {
    expect(nextState(from, input)).toBe(to);
  });
  it('calls an unrequested kill a crash, a requested one not', () => {
    expect(isCrash({ requested: false, code: null, signal: 'SIGKILL' })).toBe(true);
    expect(isCrash({ requested: true, code: null, signal: 'SIGKILL' })).toBe(false);
  });
  it('a re-attached QEMU (status unknown) that died with QMP watching and no SHUTDOWN is a crash; unknown alone is not', () => {
    expect(isCrash({ requested: false, code: null, signal: null, diedUnannounced: true })).toBe(true);
    expect(isCrash({ requested: true, code: null, signal: null, diedUnannounced: true })).toBe(false);
    expect(isCrash({ requested: false, code: null, signal: null })).toBe(false);
    expect(nextState('running', { type: 'exited', requested: false, code: null, signal: null, diedUnannounced: true })).toBe('crashed');
  });
});

describe('stop ladder', () => {
  it.each([
    [{ gracefulShutdown: true, force: false }, ['powerdown', 'quit', 'sigterm', 'sigkill']],
    [{ gracefulShutdown: false, force: false }, ['quit', 'sigterm', 'sigkill']],
    [{ gracefulShutdown: true, force: true }, ['sigkill']],
    [{ gracefulShutdown: false, force: true }, ['sigkill']],
  ] as const)('%j -> %j', (opts, steps) => {
    expect(stopSteps(opts)).toEqual(steps);
  });
  it.each([
    ['powerdown', 30_000, 30_000],
    ['quit', 5_000, 5_000],
    ['sigkill', 1_000, 5_000],
    ['sigkill', 60_000, 10_000],
  ] as const)('step %s with kill_timeout %d waits %d ms', (step, kill, expected) => {
    expect(stepTimeoutMs(step, kill)).toBe(expected);
  });
  it.each([
    [{ code: 0, signal: null, shutdownReason: 'guest-shutdown', requested: true, stopStep: 'powerdown' as const }, 'guest powered off (stop: powerdown)'],
    [{ code: 0, signal: null, shutdownReason: 'host-qmp-quit', requested: true, stopStep: 'quit' as const }, 'QEMU quit (QMP quit) (stop: quit)'],
    [{ code: null, signal: 'SIGKILL', requested: false }, 'killed by SIGKILL (not requested: crash)'],
    [{ code: null, signal: 'SIGKILL', requested: true, stopStep: 'sigkill' as const }, 'killed by SIGKILL (stop: sigkill)'],
    [{ code: 1, signal: null, requested: false }, 'QEMU exited with code 1'],
    [{ code: null, signal: null, requested: false, statusUnknown: true }, 'QEMU exited (exit status unknown: it was not a child of this process)'],
    [{ code: 0, signal: null, shutdownReason: 'guest-shutdown', requested: false }, 'guest powered off'],
  ])('summarises %j', (facts, text) => {
    expect(summariseExit(facts)).toBe(text);
  });
});

describe('/proc/<pid>/stat', () => {
  it('parses a comm with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    const text = `1234 (qemu (x) 1) ${fields.join(' ')}`;
    expect(parseProcStat(text)).toEqual({ state: 'S', cpuTicks: 14 + 15, startTime: 22, rssPages: 24 });
  });
  it('rejects garbage', () => {
    expect(parseProcStat('nonsense')).toBeUndefined();
  });
});

describe('stats', () => {
  it.each([
    [{ at: 0, ticks: 0 }, { at: 1000, ticks: 100 }, 100],
    [{ at: 0, ticks: 0 }, { at: 2000, ticks: 50 }, 25],
    [{ at: 0, ticks: 10 }, { at: 0, ticks: 20 }, 0],
  ])('cpu %j -> %j = %d%%', (a, b, pct) => {
    expect(cpuPercent(a, b)).toBe(pct);
  });
  it('keeps a bounded history, newest last', () => {
    let h: Array<{ at: number; cpuPercent: number; rssBytes: number }> = [];
    for (let i = 0; i < 10; i++) h = pushBounded(h, { at: i, cpuPercent: 0, rssBytes: 0 }, 4);
    expect(h.map((s) => s.at)).toEqual([6, 7, 8, 9]);
  });
});

describe('events.jsonl', () => {
  it('skips a torn last line and keeps the newest', () => {
    const e = (n: number) => JSON.stringify({ at: `t${n}`, kind: 'lifecycle', type: `e${n}`, message: '' });
    const text = [e(1), e(2), e(3), '{"at":"t4","kind":"lif'].join('\n');
    expect(parseEvents(text).map((x) => x.type)).toEqual(['e1', 'e2', 'e3']);
    expect(parseEvents(text, 2).map((x) => x.type)).toEqual(['e2', 'e3']);
  });
});

describe('rotation cut', () => {
  it.each([
    [1000, 0, 4096, undefined],
    [20_000, 0, 8192, 12_288],
    [20_000, 12_288, 8192, undefined],
    [40_000, 12_288, 8192, 32_768],
  ])('size %d, start %d, max %d -> %s', (size, start, max, cut) => {
    expect(rotationCut(size, start, max)).toBe(cut);
  });
});

describe('QEMU error lines', () => {
  it('picks the lines QEMU prefixes with its name', () => {
    const text = 'some noise\nqemu-system-x86_64: -netdev {...}: Could not set up host forwarding rule \'tcp:127.0.0.1:8080-:80\'\n';
    expect(qemuErrorLines(text)).toBe("qemu-system-x86_64: -netdev {...}: Could not set up host forwarding rule 'tcp:127.0.0.1:8080-:80'");
  });
});

describe('QMP events in the timeline read as sentences', () => {
  it.each([
    ['NIC_RX_FILTER_CHANGED', { name: 'net0', path: '/machine/peripheral/net0/virtio-backend' }, 'the guest set up its network card net0 (its driver changed the receive filter)'],
    ['NIC_RX_FILTER_CHANGED', { path: '/machine/peripheral-anon/device[0]/virtio-backend' }, 'the guest set up its network card (its driver changed the receive filter)'],
    ['RTC_CHANGE', { offset: -3600 }, "the guest set its clock (-3600 s from the host's)"],
    ['VSERPORT_CHANGE', { id: 'channel0', open: true }, "the guest opened virtio serial port channel0 (the guest agent's channel, when the task has one)"],
    ['WATCHDOG', { action: 'reset' }, "the guest's watchdog fired (QEMU action: reset)"],
    ['DEVICE_TRAY_MOVED', { device: 'ide1-cd0', id: '', 'tray-open': true }, 'the tray of ide1-cd0 was opened'],
    ['SOMETHING_NEW', {}, 'QMP event SOMETHING_NEW'],
  ])('%s %j', (event, data, message) => expect(qmpEventMessage(event, data)).toBe(message));
});
