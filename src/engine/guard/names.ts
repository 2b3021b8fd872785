// Names and numbers the guard's generated code shares: the __cr_* globals, the raw
// imports' prefix, access kinds, bytes the path code compares, the test-only mutations.
import { START_EXPORT } from "../rewrite/template-abi.js";

/** Test hook (engine API only: buildGuardTemplate's second argument; no policy file, flag,
 *  HTTP body or state file reaches it): breaks one rule of the guard, so the model-based
 *  tests (test/model/) can show they catch a broken guard. */
export type GuardMutation =
  | "dotdot-shallow" // ".." climbs one level too few (not at all)
  | "grant-prefix" // the "/" after a grant is ignored: /workspace also grants /workspacex
  | "symlink-unchecked" // symlink targets are not checked
  | "swap-access"; // read_only and read_write swapped
export const GUARD_MUTATIONS: readonly GuardMutation[] = ["dotdot-shallow", "grant-prefix", "symlink-unchecked", "swap-access"];

export const enc = (s: string) => new TextEncoder().encode(s);
/** Longest startDir (it lives in the second half of the scratch's 512-byte name area). */
export const MAX_START_DIR = 255;
export const ACCESS_READ = 1;
export const ACCESS_WRITE = 2;
export const ACCESS_STAT = 3;
/** Write access that removes or moves the path itself (rename source, rmdir, unlink). */
export const ACCESS_REMOVE = 4;
/** Write access that puts something new at the path (rename target, link, symlink). */
export const ACCESS_REPLACE = 5;
/** Largest size or offset a guest may give a file with fd_filestat_set_size,
 *  fd_allocate, fd_pwrite or fd_seek: files live in the worker's memory, whose
 *  allowance besides guest memory is 768 MiB (worker-main.ts HOST_RSS_BASE), and the
 *  SDK grows a file by copying it. Beyond it the call fails at once with EFBIG. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export const G = {
  scratch: "__cr_scratch",
  prefixLen: "__cr_prefix_len",
  minLen: "__cr_min_len",
  sawDotDot: "__cr_saw_dotdot",
  relPtr: "__cr_rel_ptr",
  relLen: "__cr_rel_len",
  rootFd: "__cr_root_fd",
  preopens: "__cr_preopens",
  rootPreopens: "__cr_root_preopens",
  dotPreopens: "__cr_dot_preopens",
  relMode: "__cr_rel_mode",
  fdRead: "__cr_fd_read",
  fdWrite: "__cr_fd_write",
  cwdFd: "__cr_cwd_fd",
  fdList: "__cr_fd_list",
  realFd: "__cr_real_fd",
  fdFixed: "__cr_fd_fixed",
  /** Descriptors the guest closed (a global; F.fdClosed is the function that reads it). */
  fdClosed: "__cr_fd_closed",
};
/** The guard's own functions (binaryen names; globals are in G). */
export const F = {
  ancIndex: "__cr_anc_index",
  belowDir: "__cr_below_dir",
  copy: "__cr_copy",
  deny: "__cr_deny",
  dirnameLen: "__cr_dirname_len",
  fdAbs: "__cr_fd_abs",
  fdAnc: "__cr_fd_anc",
  fdClose: "__cr_fd_close",
  fdClosed: "__cr_fd_closed",
  fdLabel: "__cr_fd_label",
  fdMove: "__cr_fd_move",
  fdPolicy: "__cr_fd_policy",
  fdSet: "__cr_fd_set",
  fdSetAnc: "__cr_fd_set_anc",
  fdTracked: "__cr_fd_tracked",
  filetype: "__cr_filetype",
  findRoot: "__cr_find_root",
  follow: "__cr_follow",
  inBounds: "__cr_in_bounds",
  init: "__cr_init",
  isPreopen: "__cr_is_preopen",
  listingOnly: "__cr_listing_only",
  map: "__cr_map",
  mapAbs: "__cr_map_abs",
  norm: "__cr_norm",
  parentType: "__cr_parent_type",
  policy: "__cr_policy",
  record: "__cr_record",
  resolve: "__cr_resolve",
  resolveTracked: "__cr_resolve_tracked",
  rootName: "__cr_root_name",
  scratchBase: "__cr_scratch_base",
  start: START_EXPORT,
  subtreeWritable: "__cr_subtree_writable",
  trailingSlash: "__cr_trailing_slash",
  unmapAbs: "__cr_unmap_abs",
} as const;
/** Directories of devices, listable when a device in them is granted. */
export const DEVICE_DIRS = ["/dev", "/dev/fd"];
/** Resolved paths relative to a tracked descriptor start with this component. */
export const DIRFD_SENTINEL = "/#";
export const RAW_PREFIX = "__cr_raw_";
export const raw = (name: string) => RAW_PREFIX + name;

/** Raw imports the guard itself needs besides the ones it wraps. */
export const GUARD_RUNTIME_IMPORTS = [
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_fdstat_get",
  "path_open",
  "fd_seek",
  "fd_write",
  "fd_close",
  "fd_filestat_get",
];

/** Bytes the path code compares. */
export const SLASH = 0x2f;
export const DOT = 0x2e;
