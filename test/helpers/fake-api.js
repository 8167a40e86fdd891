// FAKE window.api for renderer component tests in real Chromium (injected with page.addInitScript).
// This is a fake of the preload bridge, used only where the real bridge is not the subject: it keeps VMs
// in memory, answers with canned data from window.__FAKE_API_CONFIG__, and records every call in
// window.__fake.calls so a test can assert what the UI asked for. The real bridge is tested with the
// app harness (real preload, real main-process handlers, real QEMU).
(() => {
  const cfg = window.__FAKE_API_CONFIG__ || {};
  const listeners = new Map();
  const calls = [];
  const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  const state = {
    vms: new Map((cfg.vms || []).map((v) => [v.name, clone(v)])),
    tasks: new Map(Object.entries(cfg.tasks || {})),
    events: new Map(Object.entries(cfg.events || {})),
    stats: new Map(Object.entries(cfg.stats || {})),
    settings: clone(cfg.settings) || {
      driver: { image_paths: [], args_allowlist: [], emulators_allowlist: [], port_bind_address: '127.0.0.1' },
      preferences: { quitBehaviour: 'ask', theme: 'system' },
    },
  };
  const ok = (value) => Promise.resolve({ ok: true, value: clone(value) });
  const fail = (code, message, field) => Promise.resolve({ ok: false, error: field ? { code, message, field } : { code, message } });
  const emit = (event, payload) => {
    for (const fn of listeners.get(event) || []) fn(clone(payload));
  };
  const later = (ms) => new Promise((r) => setTimeout(r, ms));
  const b64 = (text) => btoa(unescape(encodeURIComponent(text)));
  const event = (kind, type, message) => ({ at: new Date().toISOString(), kind, type, message });
  const addEvent = (name, e) => {
    const list = state.events.get(name) || [];
    list.push(e);
    state.events.set(name, list);
    emit('vmEvent', { name, event: e });
  };
  const setVm = (vm) => {
    state.vms.set(vm.name, vm);
    emit('vmChanged', vm);
  };

  // The FAKE driver verdict: a few of the real driver's rules, enough to drive the form's error display.
  function fakeValidate(task) {
    const c = (task && task.config) || {};
    if (!task || !/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(task.name || '')) {
      return { ok: false, error: { code: 'INVALID_TASK', message: 'name: use 1-63 lower-case letters', field: 'name' } };
    }
    if (!c.image_path) return { ok: false, error: { code: 'INVALID_TASK', message: 'image_path must be set', field: 'config.image_path' } };
    const portMap = c.port_map || {};
    const hostPorts = task.ports || {};
    for (const [label, guest] of Object.entries(portMap)) {
      if (!(Number(guest) >= 1 && Number(guest) <= 65535)) {
        return { ok: false, error: { code: 'PORT_INVALID', message: `config.port_map.${label}: guest port must be 1 to 65535`, field: `config.port_map.${label}` } };
      }
      const host = hostPorts[label];
      if (!(Number(host) >= 0 && Number(host) <= 65535)) {
        return { ok: false, error: { code: 'PORT_INVALID', message: `ports.${label}: port must be 0 (automatic) to 65535`, field: `ports.${label}` } };
      }
    }
    const allow = state.settings.driver.args_allowlist;
    for (const arg of c.args || []) {
      if (allow.length && arg.startsWith('-') && !allow.includes(arg)) {
        return { ok: false, error: { code: 'ARG_NOT_ALLOWED', message: `"${arg}" is not in args_allowlist`, field: 'config.args' } };
      }
    }
    const memory = Number((task.resources && task.resources.memory) || 300);
    if (!(memory >= 128)) {
      return { ok: false, error: { code: 'INVALID_TASK', message: `QEMU memory assignment out of bounds: ${memory} MiB (allowed 128 to 4000000)`, field: 'resources.memory' } };
    }
    const labels = Object.keys(portMap);
    const ports = labels.map((label) => ({ label, host: Number(hostPorts[label] || 0), guest: Number(portMap[label]), bind: '127.0.0.1', protocols: ['tcp', 'udp'] }));
    const fwd = ports.map((p) => `,hostfwd=tcp:127.0.0.1:${p.host}-:${p.guest}`).join('');
    const argv = [
      '-machine', `type=${c.machine_type || 'pc'},accel=${c.accelerator || 'tcg'}`,
      '-name', task.name,
      '-m', `${memory}M`,
      '-smp', String((task.resources && task.resources.cores) || 1),
      '-drive', `file=${c.image_path},if=${c.drive_interface || 'ide'},format=raw`,
      '-netdev', `user,id=net0${fwd}`,
      '-nographic',
      ...(c.args || []),
    ];
    return { ok: true, binary: `/usr/bin/qemu-system-${c.emulator || 'x86_64'}`, argv, ports, warnings: [] };
  }

  // A FAKE stderr log of `logLines` fixed-width lines (48 bytes each); every 1000th mentions NEEDLE.
  const LINE_BYTES = 48;
  const logLine = (n) => {
    const base = `qemu-system-x86_64: line ${String(n + 1).padStart(8, '0')}${n % 1000 === 999 ? ' NEEDLE' : ' info'}`;
    return base.padEnd(LINE_BYTES - 1, '.') + '\n';
  };

  const api = {
    listVms: () => ok([...state.vms.values()]),
    inspectVm: ({ name }) => (state.vms.has(name) ? ok(state.vms.get(name)) : fail('VM_NOT_FOUND', `no VM named "${name}"`)),
    getTask: ({ name }) => (state.tasks.has(name) ? ok(state.tasks.get(name)) : fail('VM_NOT_FOUND', `no VM named "${name}"`)),
    validateTask: ({ task }) => ok(fakeValidate(task)),
    saveTask: ({ task, previousName }) => {
      const v = fakeValidate(task);
      if (!v.ok) return Promise.resolve({ ok: false, error: v.error });
      if (previousName && previousName !== task.name) {
        state.tasks.delete(previousName);
        state.vms.delete(previousName);
        emit('vmRemoved', { name: previousName });
      }
      state.tasks.set(task.name, clone(task));
      const prev = state.vms.get(task.name);
      setVm({ ...(prev || { state: 'defined', agent: 'unknown' }), name: task.name, ports: v.ports, disposable: Boolean(task.disposable), taskFile: `/home/dev/.vmdesk/vms/${task.name}/task.json` });
      return ok({ name: task.name, taskFile: `/home/dev/.vmdesk/vms/${task.name}/task.json` });
    },
    startVm: async ({ name }) => {
      const vm = state.vms.get(name);
      if (!vm) return fail('VM_NOT_FOUND', `no VM named "${name}"`);
      if (cfg.failStart) return fail(cfg.failStart.code, cfg.failStart.message);
      await later(50);
      const v = fakeValidate(state.tasks.get(name));
      const ports = (vm.ports || []).map((p, i) => ({ ...p, host: p.host || 40000 + i }));
      const next = { ...vm, state: 'running', pid: 4242, startedAt: new Date().toISOString(), uptimeMs: 0, ports, binary: v.binary, argv: v.argv };
      setVm(next);
      addEvent(name, event('lifecycle', 'started', 'QEMU started (pid 4242)'));
      return ok(next);
    },
    stopVm: async ({ name, force }) => {
      const vm = state.vms.get(name);
      if (!vm) return fail('VM_NOT_FOUND', `no VM named "${name}"`);
      setVm({ ...vm, state: 'stopping' });
      addEvent(name, event('stop', force ? 'sigkill' : 'powerdown', force ? 'sent SIGKILL' : 'pressed the ACPI power button'));
      await later(force ? 20 : 300);
      const lastExit = force
        ? { at: new Date().toISOString(), code: null, signal: 'SIGKILL', requested: true, stopStep: 'sigkill', summary: 'killed by SIGKILL' }
        : { at: new Date().toISOString(), code: 0, signal: null, shutdownReason: 'guest-shutdown', requested: true, stopStep: 'powerdown', summary: 'guest powered off' };
      const next = { ...vm, state: 'exited', pid: undefined, startedAt: undefined, argv: undefined, binary: undefined, lastExit };
      setVm(next);
      addEvent(name, event('lifecycle', 'exited', lastExit.summary));
      return ok(next);
    },
    pauseVm: ({ name }) => {
      const vm = state.vms.get(name);
      if (!vm || vm.state !== 'running') return fail('VM_NOT_RUNNING', `"${name}" is not running; start it first`);
      const next = { ...vm, state: 'paused' };
      setVm(next);
      addEvent(name, event('qmp', 'STOP', 'VM paused'));
      return ok(next);
    },
    resumeVm: ({ name }) => {
      const vm = state.vms.get(name);
      if (!vm || vm.state !== 'paused') return fail('VM_NOT_RUNNING', `"${name}" is not paused`);
      const next = { ...vm, state: 'running' };
      setVm(next);
      addEvent(name, event('qmp', 'RESUME', 'VM resumed'));
      return ok(next);
    },
    rebootVm: ({ name }) => {
      const vm = state.vms.get(name);
      if (!vm || (vm.state !== 'running' && vm.state !== 'paused')) return fail('VM_NOT_RUNNING', `"${name}" is not running; start it first`);
      addEvent(name, event('qmp', 'RESET', 'reset by vmdesk (Reboot)'));
      return ok(vm);
    },
    restartVm: async ({ name }) => {
      await api.stopVm({ name });
      return api.startVm({ name });
    },
    duplicateVm: ({ name, newName }) => {
      if (state.vms.has(newName)) return fail('VM_EXISTS', `a VM named "${newName}" already exists`);
      state.tasks.set(newName, { ...clone(state.tasks.get(name)), name: newName });
      setVm({ ...clone(state.vms.get(name)), name: newName, state: 'defined', lastExit: undefined });
      return ok({ name: newName });
    },
    deleteVm: ({ name }) => {
      state.vms.delete(name);
      state.tasks.delete(name);
      emit('vmRemoved', { name });
      return ok(undefined);
    },
    vmEvents: ({ name }) => ok(state.events.get(name) || []),
    vmStats: ({ name }) => ok(state.stats.get(name) || []),
    consoleSubscribe: ({ name }) => {
      setTimeout(() => emit('consoleData', { name, data: b64(cfg.consoleGreeting || `Welcome to ${name}\r\nlogin: `), offset: 10, ...(cfg.consoleDropped ? { dropped: cfg.consoleDropped } : {}) }), 30);
      return ok({ offset: 0 });
    },
    consoleUnsubscribe: () => ok(undefined),
    consoleWrite: ({ name, data }) => {
      emit('consoleData', { name, data: b64(data === '\r' ? '\r\n' : data), offset: 0 });
      return ok(undefined);
    },
    readLog: ({ offset = 0, limit = 65536 }) => {
      // Byte-exact as the real one: [offset, offset + limit) of the generated log, cut mid-line if so.
      const size = (cfg.logLines || 0) * LINE_BYTES;
      const from = Math.min(offset, size);
      const to = Math.min(size, from + limit);
      const first = Math.floor(from / LINE_BYTES);
      const last = Math.ceil(to / LINE_BYTES);
      let text = '';
      for (let i = first; i < last; i++) text += logLine(i);
      text = text.slice(from - first * LINE_BYTES, to - first * LINE_BYTES);
      return ok({ text, offset: from, nextOffset: to, size });
    },
    agentInterfaces: () => ok([{ name: 'lo', addresses: [{ type: 'ipv4', address: '127.0.0.1', prefix: 8 }] }, { name: 'eth0', addresses: [{ type: 'ipv4', address: '10.0.2.15', prefix: 24 }] }]),
    inspectImage: ({ path }) => {
      const info = (cfg.images || {})[path];
      return info ? ok(info) : fail('IMAGE_NOT_FOUND', `image ${path} does not exist`);
    },
    pickImage: () => ok(cfg.pickImage === undefined ? null : cfg.pickImage),
    allowImageFolder: ({ path }) => ok({ allowed: true, folder: path.replace(/\/[^/]*$/, '') }),
    getSettings: () => ok(state.settings),
    setSettings: ({ settings }) => {
      const addr = settings && settings.driver && settings.driver.port_bind_address;
      if (!/^[0-9.]+$|:/.test(addr || '')) {
        return fail('INVALID_DRIVER_CONFIG', 'driver.port_bind_address: port_bind_address must be an IP address (such as 127.0.0.1)', 'driver.port_bind_address');
      }
      state.settings = clone(settings);
      return ok(state.settings);
    },
    doctor: () =>
      ok(
        cfg.doctor || {
          emulators: [{ name: 'x86_64', path: '/usr/bin/qemu-system-x86_64', version: 'QEMU emulator version 7.2.15' }],
          qemuImg: { path: '/usr/bin/qemu-img', version: 'qemu-img version 7.2.15' },
          kvm: { exists: false, usable: false, detail: '/dev/kvm does not exist' },
          sandbox: { supported: true, detail: 'QEMU supports -sandbox' },
          accelerators: ['tcg'],
          hints: ['KVM is not available: VMs run with tcg (slower). Enable virtualisation in the firmware to use kvm.'],
        },
      ),
    openForwardedPort: () => ok(undefined),
    // Nomad: canned answers (the real import, export and submit are tested with the app harness).
    pickJobFile: () => ok(cfg.pickJobFile === undefined ? null : cfg.pickJobFile),
    importJob: ({ dryRun }) => ok({ ...(cfg.importResult || { ok: false, vms: [], found: [], diagnostics: [{ severity: 'error', kind: 'syntax', message: 'fake: no importResult configured' }] }), ...(dryRun ? { vms: [] } : {}) }),
    exportJob: ({ name, format }) => ok({ text: format === 'hcl' ? `job "${name}" {}\n` : JSON.stringify({ Job: { ID: name } }), format, notes: [] }),
    getNomadSettings: () => ok(state.nomad || { address: '', namespace: '', region: '', tokenSaved: false, tokenStorage: 'unavailable' }),
    setNomadSettings: ({ address, namespace, region }) => {
      state.nomad = { address, namespace, region, tokenSaved: false, tokenStorage: 'unavailable' };
      return ok(state.nomad);
    },
    submitJob: async ({ name }) => {
      emit('nomadSubmit', { name, event: { kind: 'registered', jobId: name, evalId: 'fake-eval', warnings: '' } });
      return ok({ jobId: name, evalId: 'fake-eval', outcome: 'registered' });
    },
    buildDemoImage: async () => {
      const steps = ['Copying the kernel', 'Building the initramfs', 'Writing the boot disk', 'Installing the boot loader'];
      for (let i = 0; i < steps.length; i++) {
        emit('demoProgress', { step: steps[i], done: i, total: steps.length });
        await later(cfg.demoStepMs || 150);
      }
      emit('demoProgress', { step: 'Done', done: steps.length, total: steps.length });
      state.tasks.set('demo', { name: 'demo', config: { image_path: 'demo.img', graceful_shutdown: true }, resources: { memory: 128 } });
      setVm({ name: 'demo', state: 'defined', ports: [], agent: 'unknown', disposable: false });
      return ok({ name: 'demo' });
    },
  };

  const recorded = {};
  for (const [key, fn] of Object.entries(api)) {
    recorded[key] = (request) => {
      calls.push({ name: key, request: clone(request) });
      return fn(request || {});
    };
  }
  recorded.on = (name, listener) => {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(listener);
    return () => listeners.get(name).delete(listener);
  };
  window.api = recorded;
  window.__fake = { calls, emit, state };
})();
