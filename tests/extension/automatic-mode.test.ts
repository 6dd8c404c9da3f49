import { describe, expect, it } from 'vitest';
import {
  AUTOMATIC_ORIGINS,
  AUTOMATIC_SCRIPT_ID,
  automaticScript,
  createAutomaticMode,
  type AutomaticModeDeps,
} from '../../lib/extension/background/automatic-mode';

/** A browser whose host access and registered scripts are plain variables. */
function fakeBrowser(granted: boolean) {
  const state = { granted, registered: [] as Array<ReturnType<typeof automaticScript>>, registerCalls: 0 };
  const deps: AutomaticModeDeps = {
    permissions: {
      contains: async ({ origins }) => state.granted && origins.every((origin) => AUTOMATIC_ORIGINS.includes(origin)),
    },
    scripting: {
      getRegisteredContentScripts: async () => state.registered.map((script) => ({ id: script.id })),
      registerContentScripts: async (scripts) => {
        state.registerCalls += 1;
        if (scripts.some((script) => state.registered.some((existing) => existing.id === script.id))) {
          throw new Error('Duplicate script ID');
        }
        state.registered.push(...scripts);
      },
      unregisterContentScripts: async (filter) => {
        state.registered = state.registered.filter((script) => !filter?.ids?.includes(script.id));
      },
    },
    log: () => undefined,
  };
  return { state, deps };
}

describe('automatic mode follows the optional host access', () => {
  it('without the grant, nothing is registered: pages are read only on request', async () => {
    const { state, deps } = fakeBrowser(false);
    expect(await createAutomaticMode(deps).sync()).toBe('off');
    expect(state.registered).toEqual([]);
  });

  it('once granted, registers the content script with its styles, kept across restarts, on http(s) pages only', async () => {
    const { state, deps } = fakeBrowser(true);
    expect(await createAutomaticMode(deps).sync()).toBe('on');
    expect(state.registered).toHaveLength(1);
    const [script] = state.registered;
    expect(script).toMatchObject({
      id: AUTOMATIC_SCRIPT_ID,
      js: ['content-scripts/policy.js'],
      css: ['content-scripts/policy.css'],
      persistAcrossSessions: true,
    });
    expect(script!.matches).toEqual(['http://*/*', 'https://*/*']);
  });

  it('registers once however many events arrive together', async () => {
    const { state, deps } = fakeBrowser(true);
    const mode = createAutomaticMode(deps);
    await Promise.all([mode.sync(), mode.sync(), mode.sync()]);
    expect(state.registered).toHaveLength(1);
    expect(state.registerCalls).toBe(1);
  });

  it('unregisters when the access is withdrawn (popup or browser settings)', async () => {
    const { state, deps } = fakeBrowser(true);
    const mode = createAutomaticMode(deps);
    await mode.sync();
    state.granted = false;
    expect(await mode.sync()).toBe('off');
    expect(state.registered).toEqual([]);
  });

  it('a failing browser call is logged and reported off, never thrown', async () => {
    const { deps } = fakeBrowser(true);
    const logged: string[] = [];
    deps.log = (message) => logged.push(message);
    deps.scripting.registerContentScripts = async () => {
      throw new Error('scripting unavailable');
    };
    expect(await createAutomaticMode(deps).sync()).toBe('off');
    expect(logged.join('\n')).toContain('scripting unavailable');
  });
});
