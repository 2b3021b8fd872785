/* usage: stat [-L] [-c FORMAT] FILE...
 *
 * Show information about each FILE.
 * -c	print FORMAT: %n name, %s size, %F file type, %a octal mode, %A mode string,
 *	%h links, %i inode, %u %g ids, %U %G names, %Y mtime (seconds), %y mtime,
 *	%b blocks, %%
 * -L	follow symbolic links
 * The enclave has no users: owners show as 1000 (sandbox). */
#include "lib/lib.h"
#include <time.h>
#include <unistd.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static mode_t perms(const struct stat *st) {
  mode_t m = st->st_mode & 07777;
  return m ? m : S_ISDIR(st->st_mode) ? 0755 : 0644;  /* WASI reports no permission bits */
}

static const char *type_name(const struct stat *st) {
  mode_t m = st->st_mode;
  if (S_ISREG(m)) return st->st_size ? "regular file" : "regular empty file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "symbolic link";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  if (S_ISCHR(m)) return "character special file";
  if (S_ISBLK(m)) return "block special file";
  return "unknown";
}

static void mode_str(const struct stat *st, char *s) {
  mode_t m = perms(st), t = st->st_mode;
  s[0] = S_ISDIR(t) ? 'd' : S_ISLNK(t) ? 'l' : S_ISCHR(t) ? 'c' : S_ISBLK(t) ? 'b' : S_ISFIFO(t) ? 'p' : S_ISSOCK(t) ? 's' : '-';
  for (int i = 0; i < 9; i++) s[i + 1] = (m & (0400 >> i)) ? "rwxrwxrwx"[i] : '-';
  s[10] = 0;
}

static void time_str(time_t t, long ns, char *buf, size_t n) {
  struct tm *tm = gmtime(&t);
  size_t l = strftime(buf, n, "%Y-%m-%d %H:%M:%S", tm);
  snprintf(buf + l, n - l, ".%09ld +0000", ns);
}

int stat_main(int argc, char **argv) {
  if (toy_init(argc, argv, "Lc:(format)", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  const char *user = getenv("USER");
  if (!user || !*user) user = "sandbox";
  for (char **a = toys.optargs; *a; a++) {
    struct stat st;
    if ((!**a && (errno = ENOENT)) || (FLAG('L') ? stat(*a, &st) : lstat(*a, &st))) { perror_msg("cannot statx '%s'", *a); continue; }
    char ms[11], tb[64];
    mode_str(&st, ms);
    time_str(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, tb, sizeof tb);
    if (!FLAG('c')) {
      printf("  File: %s\n  Size: %-10lld\tBlocks: %-10lld IO Block: 4096   %s\n", *a, (long long)st.st_size,
             (long long)st.st_blocks, type_name(&st));
      printf("Device: %llxh/%llud\tInode: %-11llu Links: %lu\n", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
      printf("Access: (%04o/%s)  Uid: ( 1000/%8s)   Gid: ( 1000/%8s)\n", perms(&st), ms, user, user);
      printf("Modify: %s\n", tb);
      continue;
    }
    for (const char *f = OPTARG('c'); *f; f++) {
      if (*f != '%' || !f[1]) { putchar(*f); continue; }
      switch (*++f) {
      case 'n': fputs(*a, stdout); break;
      case 's': printf("%lld", (long long)st.st_size); break;
      case 'F': fputs(type_name(&st), stdout); break;
      case 'a': printf("%o", perms(&st)); break;
      case 'A': fputs(ms, stdout); break;
      case 'h': printf("%lu", (unsigned long)(st.st_nlink ? st.st_nlink : 1)); break;
      case 'i': printf("%llu", (unsigned long long)st.st_ino); break;
      case 'u': case 'g': fputs("1000", stdout); break;
      case 'U': case 'G': fputs(user, stdout); break;
      case 'Y': printf("%lld", (long long)st.st_mtim.tv_sec); break;
      case 'y': fputs(tb, stdout); break;
      case 'b': printf("%lld", (long long)st.st_blocks); break;
      case 'N':
        printf("'%s'", *a);
        if (S_ISLNK(st.st_mode)) {
          char t[4096];
          ssize_t n = readlink(*a, t, sizeof t - 1);
          if (n >= 0) printf(" -> '%.*s'", (int)n, t);
        }
        break;
      case '%': putchar('%'); break;
      default: putchar('?'); break;
      }
    }
    putchar('\n');
  }
  return finish();
}

#pragma clang attribute pop
