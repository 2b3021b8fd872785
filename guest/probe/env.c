/* env.c: what the guest is told about its environment.
 *
 * usage: probe env    environ_sizes_get + environ_get; data = "K=V" joined by "\n"
 *        probe args   args_sizes_get + args_get; data = argv joined by "\n"
 * errno: the first failing call's errno. data keeps only the first 256 bytes.
 *
 * Bare SDK 0.16.0, measured: env with env {} -> ""; with {FOO:"bar",SECRET:"x y"}
 * -> "FOO=bar\nSECRET=x y"; args a\ b c -> "main\nargs\na b\nc" (argv[0] is the
 * command name, "main" for a raw module).
 */
#include <stdlib.h>
#include <string.h>
#include "probe.h"

typedef __wasi_errno_t (*sizes_fn)(__wasi_size_t *, __wasi_size_t *);
typedef __wasi_errno_t (*get_fn)(uint8_t **, uint8_t *);

static int dump(const char *action, sizes_fn sizes, get_fn get) {
  static struct buf data;
  __wasi_size_t count = 0, size = 0;
  __wasi_errno_t e = sizes(&count, &size);
  if (e) { report(action, "", e, "", 0); return 0; }
  uint8_t **ptrs = calloc(count + 1, sizeof *ptrs);
  uint8_t *strs = malloc(size + 1);
  if (!ptrs || !strs) { report(action, "", __WASI_ERRNO_NOMEM, "", 0); return 0; }
  e = get(ptrs, strs);
  if (!e)
    for (__wasi_size_t i = 0; i < count; i++) {
      if (i) buf_add(&data, "\n", 1);
      buf_str(&data, (const char *)ptrs[i]);
    }
  report_buf(action, "", e, &data);
  return 0;
}

ACTION(env) { return dump("env", __wasi_environ_sizes_get, __wasi_environ_get); }
ACTION(args) { return dump("args", __wasi_args_sizes_get, __wasi_args_get); }
