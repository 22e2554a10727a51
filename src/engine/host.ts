/**
 * What the engine needs from its host, without a static import of any Node built-in, so that the
 * core ("nnkit") bundles for a browser: in Node, built-in modules come from
 * process.getBuiltinModule (Node ≥ 20.16) at the moment they are first needed; elsewhere they are
 * absent and the engine runs on one thread in plain TypeScript.
 */
import type * as Fs from "node:fs";
import type * as Os from "node:os";
import type * as Url from "node:url";
import type * as V8 from "node:v8";
import type * as WorkerThreads from "node:worker_threads";

interface NodeBuiltins {
  "node:fs": typeof Fs;
  "node:os": typeof Os;
  "node:url": typeof Url;
  "node:v8": typeof V8;
  "node:worker_threads": typeof WorkerThreads;
}

interface HostProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

const hostProcess = (): HostProcess | undefined => (globalThis as { process?: HostProcess }).process;

/** Node's built-in module `id`, or undefined outside Node. */
export function nodeBuiltin<K extends keyof NodeBuiltins>(id: K): NodeBuiltins[K] | undefined {
  return hostProcess()?.getBuiltinModule?.(id) as NodeBuiltins[K] | undefined;
}

/** An environment variable, or undefined (always outside Node). */
export function environment(name: string): string | undefined {
  return hostProcess()?.env?.[name];
}

/** Cores the host offers: os.availableParallelism() in Node, navigator.hardwareConcurrency elsewhere, else 1. */
export function hostParallelism(): number {
  const os = nodeBuiltin("node:os");
  if (os) return os.availableParallelism();
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}
