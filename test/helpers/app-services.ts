// The app's services under plain Node over a real supervisor (no VM started) and the plain JSON settings
// store; the native dialogs and the browser are stand-ins that answer "cancel" (FAKE: no Electron here).
import { createAppServices, type AppServices } from '../../src/main/app/services';
import { createJsonSettingsStore } from '../../src/main/store/settings-file';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import type { TempHome } from './temp-home';

/** The services and their supervisor over `t`; `close()` stops both (call it in afterEach). */
export function nodeAppServices(t: TempHome): { app: AppServices; sup: SupervisorApi; close(): Promise<void> } {
  const sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  const app = createAppServices({
    home: t.home,
    env: t.env,
    supervisor: sup,
    settings: createJsonSettingsStore(t.home),
    showOpenImageDialog: async () => null,
    showOpenJobDialog: async () => null,
    showSaveDialog: async () => null,
    confirmAllowFolder: async () => false,
    openExternal: async () => undefined,
  });
  return {
    app,
    sup,
    async close() {
      app.close();
      await sup.close();
    },
  };
}
