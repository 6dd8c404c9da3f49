/**
 * Automatic mode: the content script runs on every page by itself only while the person has granted the optional
 * host access (`optional_host_permissions` in wxt.config.ts). Without it, Clausemark reads a page only when asked,
 * through `activeTab` + `scripting.executeScript` (components/popup/api.ts).
 *
 * The browser's `scripting` and `permissions` APIs are passed in, so the logic runs in Node tests with fakes.
 */

/** The host access automatic mode asks for: every http(s) page, so it can notice which ones are policies. */
export const AUTOMATIC_ORIGINS: readonly string[] = ['http://*/*', 'https://*/*'];

/** The id of the dynamically registered content script. */
export const AUTOMATIC_SCRIPT_ID = 'clausemark-policy-pages';

/** The content script and its stylesheet, as WXT names them for `entrypoints/policy.content`. */
export const CONTENT_SCRIPT_FILES = { js: 'content-scripts/policy.js', css: 'content-scripts/policy.css' } as const;

/** What the manifest's `content_scripts` entry would have said; kept across browser restarts. */
export function automaticScript() {
  return {
    id: AUTOMATIC_SCRIPT_ID,
    matches: [...AUTOMATIC_ORIGINS],
    js: [CONTENT_SCRIPT_FILES.js],
    css: [CONTENT_SCRIPT_FILES.css],
    runAt: 'document_idle' as const,
    // Policies embedded in frames (help centres, consent dialogs), including about:blank/srcdoc frames.
    allFrames: true,
    matchOriginAsFallback: true,
    persistAcrossSessions: true,
  };
}

export interface AutomaticModeDeps {
  permissions: {
    contains(permissions: { origins: string[] }): Promise<boolean>;
  };
  scripting: {
    getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<Array<{ id: string }>>;
    registerContentScripts(scripts: Array<ReturnType<typeof automaticScript>>): Promise<void>;
    unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
  };
  log?: (message: string) => void;
}

export type AutomaticState = 'on' | 'off';

/**
 * Makes the registered content script match the granted permission: registered while the host access is granted,
 * unregistered once it is not. Safe to call at any time, as often as wanted (start-up, onAdded, onRemoved); calls are
 * serialised so two events in a row cannot both register.
 */
export function createAutomaticMode(deps: AutomaticModeDeps) {
  const log = deps.log ?? ((message: string) => console.warn(`Clausemark background: ${message}`));
  let queue: Promise<AutomaticState> = Promise.resolve('off');

  async function sync(): Promise<AutomaticState> {
    const granted = await deps.permissions.contains({ origins: [...AUTOMATIC_ORIGINS] });
    const registered = (await deps.scripting.getRegisteredContentScripts({ ids: [AUTOMATIC_SCRIPT_ID] })).some(
      (script) => script.id === AUTOMATIC_SCRIPT_ID,
    );
    if (granted && !registered) await deps.scripting.registerContentScripts([automaticScript()]);
    if (!granted && registered) await deps.scripting.unregisterContentScripts({ ids: [AUTOMATIC_SCRIPT_ID] });
    return granted ? 'on' : 'off';
  }

  return {
    /** Never rejects: a failure is logged and automatic mode reported off. */
    sync(): Promise<AutomaticState> {
      queue = queue.then(sync, sync).catch((error: unknown) => {
        log(`automatic mode: ${error instanceof Error ? error.message : String(error)}`);
        return 'off' as const;
      });
      return queue;
    },
  };
}
