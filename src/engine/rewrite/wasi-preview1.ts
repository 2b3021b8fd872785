// The complete wasi_snapshot_preview1 import surface, with signatures. A module may
// import only these (with exactly these types); anything else is refused at admission.
// Letters: i = i32, I = i64; every function returns an errno (i32) except proc_exit.

export const WASI_MODULE = "wasi_snapshot_preview1";

export const PREVIEW1_SIGNATURES: Readonly<Record<string, string>> = {
  args_get: "ii",
  args_sizes_get: "ii",
  environ_get: "ii",
  environ_sizes_get: "ii",
  clock_res_get: "ii",
  clock_time_get: "iIi",
  fd_advise: "iIIi",
  fd_allocate: "iII",
  fd_close: "i",
  fd_datasync: "i",
  fd_fdstat_get: "ii",
  fd_fdstat_set_flags: "ii",
  fd_fdstat_set_rights: "iII",
  fd_filestat_get: "ii",
  fd_filestat_set_size: "iI",
  fd_filestat_set_times: "iIIi",
  fd_pread: "iiiIi",
  fd_prestat_get: "ii",
  fd_prestat_dir_name: "iii",
  fd_pwrite: "iiiIi",
  fd_read: "iiii",
  fd_readdir: "iiiIi",
  fd_renumber: "ii",
  fd_seek: "iIii",
  fd_sync: "i",
  fd_tell: "ii",
  fd_write: "iiii",
  path_create_directory: "iii",
  path_filestat_get: "iiiii",
  path_filestat_set_times: "iiiiIIi",
  path_link: "iiiiiii",
  path_open: "iiiiiIIii",
  path_readlink: "iiiiii",
  path_remove_directory: "iii",
  path_rename: "iiiiii",
  path_symlink: "iiiii",
  path_unlink_file: "iii",
  poll_oneoff: "iiii",
  proc_exit: "i",
  proc_raise: "i",
  sched_yield: "",
  random_get: "ii",
  sock_accept: "iii",
  sock_recv: "iiiiii",
  sock_send: "iiiii",
  sock_shutdown: "ii",
};

/** The functions the guard interposes (sockets only when the network is disabled).
 *  Kept here, free of binaryen, so splicing a cached guard template loads no binaryen. */
export const GUARDED_FUNCTIONS: readonly string[] = [
  "fd_allocate",
  "fd_close",
  "fd_fdstat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pwrite",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "proc_exit",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
];

/** The imports the guard stands in front of under a network mode: every guardable
 *  function, the socket calls included while the network is disabled (the only mode
 *  there is; a mode that allowed sockets would pass them through). */
export function guardedUnder(network: string): Set<string> {
  return new Set(GUARDED_FUNCTIONS.filter((n) => network === "disabled" || !n.startsWith("sock_")));
}

/** Guards that follow symlinks themselves (with raw path_readlink); the template also
 *  has a `guardlite_` variant of each that does not, spliced into a module that does
 *  not import path_readlink. */
export const LINK_FOLLOWING_GUARDS: readonly string[] = ["path_filestat_get", "path_open"];

/** Functions that return nothing (all others return an errno). */
export const NO_RESULT = new Set(["proc_exit"]);

/** WASI errno values the guard answers with. */
export const Errno = {
  ACCES: 2,
  BADF: 8,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  ISDIR: 31,
  LOOP: 32,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOMEM: 48,
  NOTDIR: 54,
  PERM: 63,
  NOTCAPABLE: 76,
} as const;
