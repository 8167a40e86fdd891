// Connects the main process's pushed events to the stores, once, for the life of the page.
import { api } from '../api';
import { useVms } from './vms';
import { useVmEvents } from './vm-events';
import { useLogs } from './logs';
import { useDemo } from './demo';
import { useUi } from './ui';
import { useNomadSubmit } from './nomad-submit';
import { useDownloads } from './downloads';
import { useChecks } from './checks';

/** Subscribes every store to the events it needs; returns the function that unsubscribes them all. */
export function attachEvents(): () => void {
  const a = api();
  const offs = [
    a.on('vmChanged', (vm) => useVms.getState().upsert(vm)),
    a.on('vmRemoved', ({ name }) => {
      useVms.getState().remove(name);
      useLogs.getState().forget(name);
      const ui = useUi.getState();
      if ((ui.route.page === 'vm' || ui.route.page === 'edit') && ui.route.name === name) ui.navigate({ page: 'home' });
    }),
    a.on('vmEvent', ({ name, event }) => {
      useVmEvents.getState().add(name, event);
      useLogs.getState().addEvent(name, event);
    }),
    a.on('vmStats', ({ name, sample }) => useVms.getState().addSamples(name, [sample])),
    a.on('demoProgress', (p) => useDemo.getState().onProgress(p)),
    a.on('download', (d) => useDownloads.getState().onEvent(d)),
    a.on('nomadSubmit', ({ name, event }) => useNomadSubmit.getState().onEvent(name, event)),
    a.on('checksProgress', ({ name, event }) => useChecks.getState().onEvent(name, event)),
  ];
  return () => offs.forEach((off) => off());
}
