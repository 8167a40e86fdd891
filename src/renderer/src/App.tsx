// The app shell: sidebar, the routed page, notices and dialogs; loads data, follows the theme, handles shortcuts.
import { useEffect } from 'react';
import { maybeApi } from './api';
import { attachEvents } from './stores/bridge';
import { useDownloads } from './stores/downloads';
import { useVms, isActive, sortedNames } from './stores/vms';
import { useSettings } from './stores/settings';
import { useDoctor } from './stores/doctor';
import { useUi, VM_TABS, selectedVmName } from './stores/ui';
import { Sidebar } from './components/Sidebar';
import { Notices } from './components/Notices';
import { DialogHost } from './components/Dialogs';
import { HomeView } from './views/HomeView';
import { VmView } from './views/VmView';
const TaskFormView = lazyView(() => import('./views/TaskFormView'), 'TaskFormView');
const SettingsView = lazyView(() => import('./views/SettingsView'), 'SettingsView');
const HealthView = lazyView(() => import('./views/HealthView'), 'HealthView');
import { consoleKeyOwner, matchShortcut, NOT_IN_CONSOLE, type ShortcutAction } from './lib/shortcuts';
import { followTheme } from './lib/theme';
import { lazyView } from './lib/lazy-view';

/** The root component. */
export function App() {
  if (!maybeApi()) return <MissingBridge />;
  return <Shell />;
}

function Shell() {
  const route = useUi((s) => s.route);
  const theme = useSettings((s) => s.previewTheme ?? s.settings?.preferences.theme ?? 'system');

  useEffect(() => {
    const detach = attachEvents();
    void useVms.getState().load();
    void useSettings.getState().load();
    void useDoctor.getState().load();
    void useDownloads.getState().load();
    return detach;
  }, []);

  useEffect(() => followTheme(theme), [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = matchShortcut(e);
      if (!action) return;
      // Inside the terminal only the keys consoleKeyOwner gives the app are the app's; the rest go to the guest.
      const inConsole = Boolean((e.target as HTMLElement | null)?.closest?.('.xterm'));
      if (inConsole && (consoleKeyOwner(e) === 'guest' || NOT_IN_CONSOLE.has(action))) return;
      if (action === 'release-console' && !inConsole) return;
      if (useUi.getState().dialog && action !== 'help') return;
      e.preventDefault();
      runShortcut(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <Sidebar />
      <main className="main" id="main">
        {route.page === 'home' && <HomeView />}
        {route.page === 'vm' && <VmView name={route.name} />}
        {route.page === 'create' && <TaskFormView mode="create" />}
        {route.page === 'edit' && <TaskFormView key={route.name} mode="edit" name={route.name} />}
        {route.page === 'settings' && <SettingsView />}
        {route.page === 'health' && <HealthView />}
      </main>
      <Notices />
      <DialogHost />
    </div>
  );
}

/** What each shortcut does. */
function runShortcut(action: ShortcutAction): void {
  const ui = useUi.getState();
  const vms = useVms.getState();
  const selected = selectedVmName(ui.route);
  switch (action) {
    case 'new-vm':
      return ui.navigate({ page: 'create' });
    case 'settings':
      return ui.navigate({ page: 'settings' });
    case 'health':
      return ui.navigate({ page: 'health' });
    case 'help':
      return ui.openDialog(ui.dialog?.kind === 'help' ? null : { kind: 'help' });
    case 'start-stop': {
      const vm = selected ? vms.vms[selected] : undefined;
      if (vm && !vms.pending[vm.name]) void vms.run(vm.name, isActive(vm) ? 'stop' : 'start');
      return;
    }
    case 'next-vm':
    case 'prev-vm': {
      const names = sortedNames(vms.vms);
      if (names.length === 0) return;
      const i = selected ? names.indexOf(selected) : -1;
      const next = action === 'next-vm' ? (i + 1) % names.length : (i <= 0 ? names.length : i) - 1;
      return ui.navigate({ page: 'vm', name: names[next]! });
    }
    case 'release-console':
      // Focus goes to the selected tab (Console), where Tab and the arrow keys move on as everywhere else.
      return document.querySelector<HTMLElement>('[role=tab][aria-selected=true]')?.focus();
    case 'find':
      if (ui.route.page !== 'vm') return;
      ui.setTab('logs');
      setTimeout(() => document.getElementById('log-search')?.focus(), 0);
      return;
    default: {
      const tab = VM_TABS[Number(action.slice(4)) - 1];
      if (tab && ui.route.page === 'vm') ui.setTab(tab);
    }
  }
}

function MissingBridge() {
  return (
    <div className="page missing-bridge">
      <h1>vmdesk cannot reach its engine</h1>
      <p>This page needs vmdesk’s preload bridge (<code>window.api</code>), which was not loaded.</p>
      <p>Start the app with <code>npm start</code> (or the installed vmdesk), not by opening this page in a browser.</p>
    </div>
  );
}
