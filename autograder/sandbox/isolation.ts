/**
 * How the sandbox child is isolated from the machine, decided once per grading process.
 *
 * As root (Linux), the child runs in its own network, pid and mount namespaces (`unshare`) as user
 * nobody (`setpriv`): no network at all (abstract Unix sockets belong to the network namespace
 * too), no view of or signal to other processes, and no Unix-domain socket at a file path in the
 * places where they live (D-Bus, X11, database and agent sockets under /tmp, /var/tmp, /run,
 * /dev/shm): fresh, empty, read-only tmpfs folders cover those, and the sandbox folder, which may
 * itself live under /tmp, is bound back in at its own path. Node's permission model (which does
 * not gate `net.connect(path)`) still limits reads and writes to the sandbox folder.
 * Not as root, or where `unshare` is refused, the note says in one line which isolation is missing.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, realpathSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { SANDBOX_UID } from "./build.js";
import { sandboxNode } from "./node-binary.js";
import { removeTree } from "./remove.js";

/** How the child is isolated on this machine. */
export interface Isolation {
  /** Own network and pid namespaces, as user nobody (`unshare`, needs root). */
  namespaces: boolean;
  /** With namespaces: the folders covered by fresh tmpfs in the child's own mount namespace (empty: no mount namespace). */
  covered?: string[];
  /** Without namespaces but as root: still run the child as user nobody. */
  dropUser?: boolean;
  /** One line for the TA: what isolates the children here and what is missing. */
  note: string;
}

/** Where Unix-domain sockets usually live; each existing one is covered (after resolving links such as /var/run → /run). */
export const SOCKET_FOLDERS = ["/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm"];

/**
 * The shell script run as root inside the new namespaces: with the sandbox folder ($2) and the
 * folder of the node binary ($3) open as fds 7 and 8, one `mount --all` of the table $1 covers the
 * socket folders with empty tmpfs that nobody may write and binds those two folders back at their
 * own paths (reached through /proc/self/fd once covered); then it becomes nobody and execs the
 * rest of the arguments, leaving no descriptor or variable of its own behind.
 */
const MOUNT_SCRIPT = [
  "set -e",
  'table="$1"; root="$2"; bindir="$3"; shift 3',
  'exec 7<"$root" 8<"$bindir"',
  'mount --no-canonicalize --all --fstab "$table"',
  "exec 7<&- 8<&-",
  'cd "$root"',
  "unset table root bindir OLDPWD PWD",
  `exec setpriv --reuid=${SANDBOX_UID} --regid=${SANDBOX_UID} --clear-groups --no-new-privs -- "$@"`,
].join("\n");

/** A path in fstab's notation (space, tab, newline and backslash as octal escapes). */
function fstabPath(p: string): string {
  return p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** The sandbox's writable folder and the most it may hold, in MiB. */
export interface SandboxTmp {
  path: string;
  megabytes: number;
}

/**
 * The mount table the script gives to `mount --all`: tmpfs over `covered`, then `root` and `bindir`
 * bound back; with `tmp`, a fresh tmpfs of its size that only nobody may use over the sandbox's
 * writable folder (what the child writes stays in its namespace and cannot fill the machine).
 */
export function mountTable(covered: readonly string[], root: string, bindir: string, tmp?: SandboxTmp): string {
  const lines = covered.map((d) => `tmpfs ${fstabPath(d)} tmpfs mode=755,size=64k,nosuid,nodev,noexec 0 0`);
  lines.push(`/proc/self/fd/7 ${fstabPath(root)} none bind,X-mount.mkdir 0 0`, `/proc/self/fd/8 ${fstabPath(bindir)} none bind,X-mount.mkdir 0 0`);
  if (tmp) lines.push(`tmpfs ${fstabPath(tmp.path)} tmpfs mode=700,uid=${SANDBOX_UID},gid=${SANDBOX_UID},size=${tmp.megabytes}m,nosuid,nodev,noexec 0 0`);
  return `${lines.join("\n")}\n`;
}

/** The filesystem type statfs reports for a tmpfs. */
const TMPFS_MAGIC = 0x01021994;

/**
 * Where a grading run keeps its sandbox folders: in memory (/dev/shm, a tmpfs) when the children
 * get a mount namespace, where each child's writable folder is a tmpfs of its own with a size
 * limit — making and removing a sandbox's hundred-odd links then waits on no disk; otherwise (or
 * when /dev/shm is missing, not writable, or has less than 1 GiB free) the system's temporary folder.
 */
export function sandboxParent(iso: Isolation): string {
  const shm = "/dev/shm";
  if (iso.namespaces && (iso.covered ?? []).includes(shm)) {
    try {
      const fs = statfsSync(shm);
      accessSync(shm, constants.W_OK);
      if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= 1 << 30) return shm;
    } catch {
      /* not usable: fall back */
    }
  }
  return tmpdir();
}

/** Where the mount table of the sandbox folder `root` is kept (beside it: the child cannot read it). removeSandboxFolder removes it with the folder. */
export function mountTableFile(root: string): string {
  return `${root}.mounts`;
}

/** Remove the sandbox folder `root` and the mount table kept beside it; never throws (what cannot be removed stays, see remove.ts). */
export function removeSandboxFolder(root: string): void {
  removeTree(root);
  removeTree(mountTableFile(root));
}

/**
 * The command that runs `argv` (the sandbox's node and its arguments) under `iso` with `root` as
 * the sandbox folder (and `tmp` its writable folder): [command, arguments]. With a mount namespace,
 * the mount table is written next to `root` (as `<root>.mounts`, outside what the child may read)
 * the first time.
 */
export function isolatedCommand(iso: Isolation, root: string, argv: string[], tmp?: SandboxTmp): [string, string[]] {
  if (!iso.namespaces) return [argv[0], argv.slice(1)];
  const ns = ["--net", "--pid", "--fork", "--kill-child"];
  if (iso.covered && iso.covered.length > 0) {
    const table = mountTableFile(root);
    const bindir = dirname(argv[0]);
    if (!existsSync(table)) writeFileSync(table, mountTable(iso.covered, root, bindir, tmp));
    return ["unshare", [...ns, "--mount", "--propagation", "private", "--", "/bin/sh", "-c", MOUNT_SCRIPT, "sh", table, root, bindir, ...argv]];
  }
  return ["unshare", [...ns, "--setuid", String(SANDBOX_UID), "--setgid", String(SANDBOX_UID), "--", ...argv]];
}

/**
 * The socket folders of this machine to cover: existing directories, links resolved. A folder that
 * is the node binary's own folder or above it stays (binding the binary's folder back would show it
 * whole again): `kept`.
 */
function foldersToCover(): { covered: string[]; kept: string[] } {
  const binDir = realpathSync(dirname(sandboxNode()));
  const covered: string[] = [];
  const kept: string[] = [];
  for (const d of SOCKET_FOLDERS) {
    let real: string;
    try {
      real = realpathSync(d);
      if (!statSync(real).isDirectory()) continue;
    } catch {
      continue;
    }
    if (covered.includes(real) || kept.includes(real)) continue;
    const inside = relative(binDir, real);
    if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) kept.push(real);
    else covered.push(real);
  }
  return { covered, kept };
}

let cache: Isolation | undefined;

/** Probe once what this machine allows: the full set (namespaces + mount), namespaces only, or neither. */
export function detectIsolation(): Isolation {
  if (cache) return cache;
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    cache = {
      namespaces: false,
      note: "not running as root: children run without network, mount and pid namespaces (they can reach the network and Unix sockets) and as the grader's own user",
    };
    return cache;
  }
  const { covered, kept } = foldersToCover();
  const probeDir = mkdtempSync(join(tmpdir(), "nnkit-probe-"));
  try {
    const full: Isolation = { namespaces: true, covered, note: "" };
    const [cmd, args] = isolatedCommand(full, probeDir, [sandboxNode(), "-e", "0"]);
    const probe = spawnSync(cmd, args, { cwd: probeDir, env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }, stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
    if (probe.status === 0) {
      const left = kept.length > 0 ? `; ${kept.join(", ")} left visible (it holds the node binary the children run), so sockets there are reachable` : "";
      cache = { ...full, note: `children run in their own network, pid and mount namespaces (fresh ${covered.join(", ")}) as user nobody${left}` };
      return cache;
    }
    const why = (probe.error?.message ?? probe.stderr.toString().trim().split("\n").pop()) || `exit ${probe.status}`;
    const nsOnly: Isolation = { namespaces: true, covered: [], note: "" };
    const [cmd2, args2] = isolatedCommand(nsOnly, probeDir, [sandboxNode(), "-e", "0"]);
    const second = spawnSync(cmd2, args2, { stdio: "ignore", timeout: 10_000 });
    if (second.status === 0) {
      cache = { ...nsOnly, note: `no mount namespace here (${why}): Unix sockets at file paths are reachable; children run in their own network and pid namespaces as user nobody` };
      return cache;
    }
    cache = {
      namespaces: false,
      dropUser: true,
      note: `unshare is not usable here (${second.error?.message ?? `exit ${second.status}`}): no network or mount isolation (children can reach the network and Unix sockets); they run as user nobody`,
    };
    return cache;
  } finally {
    removeSandboxFolder(probeDir);
  }
}
