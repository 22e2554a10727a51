/**
 * The student kit's package-lock.json, cut from the project's own lock file: only the packages the
 * kit's package.json reaches (its dependencies and devDependencies, through each package's
 * dependencies, optional and peer dependencies, resolved the way Node resolves them: the nearest
 * node_modules folder upwards), with the dev/optional flags recomputed for that smaller graph.
 * No network: every version, integrity hash and tarball address comes from the existing lock, so
 * `npm ci` installs exactly what the project was tested with.
 */

/** One entry of a lock file's "packages" map (lockfileVersion 2 or 3). */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface Lock {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
  [key: string]: unknown;
}

/** The manifest fields the lock's root entry mirrors. */
interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** Where `name` required from the package at `from` ("" = the root) is installed, or undefined. */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (!dir) return undefined;
    const at = dir.lastIndexOf("/node_modules/");
    dir = at < 0 ? "" : dir.slice(0, at);
  }
}

/** An edge of the graph: the package it leads to, and whether it is optional. */
interface Edge {
  to: string;
  optional: boolean;
}

function edges(packages: Record<string, LockEntry>, from: string, entry: LockEntry, extra: Record<string, string> = {}): Edge[] {
  const out: Edge[] = [];
  const add = (deps: Record<string, string> | undefined, optional: (name: string) => boolean): void => {
    for (const name of Object.keys(deps ?? {})) {
      const to = resolveFrom(packages, from, name);
      if (to) out.push({ to, optional: optional(name) });
      else if (!optional(name)) throw new Error(`lock file: ${from || "the root"} needs ${name}, which the lock file does not hold`);
    }
  };
  add({ ...entry.dependencies, ...extra }, () => false);
  add(entry.optionalDependencies, () => true);
  add(entry.peerDependencies, (name) => entry.peerDependenciesMeta?.[name]?.optional === true);
  return out;
}

/**
 * Walk from the root with the root's `start` dependencies, marking every reached package in
 * `seen` (its resolved lock key); `required` follows only non-optional edges.
 */
function reach(packages: Record<string, LockEntry>, start: Record<string, string>, required: boolean): Set<string> {
  const seen = new Set<string>();
  const todo: string[] = [];
  for (const name of Object.keys(start)) {
    const to = resolveFrom(packages, "", name);
    if (!to) throw new Error(`lock file: ${name} is not in the lock file; run npm install in the project first`);
    todo.push(to);
  }
  while (todo.length > 0) {
    const key = todo.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = packages[key];
    // a link's target is the package that is installed (its own entry, without node_modules/)
    const target = entry.link && typeof entry.resolved === "string" ? entry.resolved : undefined;
    if (target !== undefined && target !== "" && target in packages) todo.push(target);
    for (const e of edges(packages, key, entry)) if (!required || !e.optional) todo.push(e.to);
  }
  return seen;
}

/**
 * The lock file for `pkg` (the kit's package.json) cut from `lockText` (the project's lock file).
 * Throws when the project's lock lacks a package the kit needs.
 */
export function pruneLock(lockText: string, pkg: PackageJson): string {
  const lock = JSON.parse(lockText) as Lock;
  if (!(lock.lockfileVersion >= 2) || typeof lock.packages !== "object") throw new Error("lock file: lockfileVersion 2 or 3 (npm 7 or newer) is needed");
  const packages = lock.packages;
  const prod = pkg.dependencies ?? {};
  const dev = pkg.devDependencies ?? {};
  const opt = pkg.optionalDependencies ?? {};
  const prodRequired = reach(packages, prod, true);
  const prodAll = reach(packages, { ...prod, ...opt }, false);
  const devRequired = reach(packages, dev, true);
  const all = reach(packages, { ...prod, ...opt, ...dev }, false);
  const out: Record<string, LockEntry> = {};
  const root = { ...packages[""] };
  root.name = pkg.name ?? root.name;
  root.version = pkg.version ?? root.version;
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    if (pkg[field] && Object.keys(pkg[field]!).length > 0) root[field] = pkg[field];
    else delete root[field];
  }
  out[""] = root;
  for (const key of Object.keys(packages).sort()) {
    if (key === "" || !all.has(key)) continue;
    const entry: LockEntry = { ...packages[key] };
    delete entry.dev;
    delete entry.optional;
    delete entry.devOptional;
    // npm's flags: dev = only reached through devDependencies; optional = only through optional
    // edges; devOptional = needed neither by production nor without optional packages
    const isDev = !prodAll.has(key);
    const isOptional = !prodRequired.has(key) && !devRequired.has(key);
    if (isDev) entry.dev = true;
    if (isOptional) entry.optional = true;
    if (!isDev && !isOptional && !prodRequired.has(key)) entry.devOptional = true;
    out[key] = entry;
  }
  return `${JSON.stringify({ ...lock, name: root.name, version: root.version, packages: out }, null, 2)}\n`;
}
