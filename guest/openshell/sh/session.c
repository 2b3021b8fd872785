/* The interactive session (`sandbox-exec -it`): one shell session over many execs.
 *
 * Each line the person types is one exec (`sh -c LINE`), so the engine's verdict,
 * timeout and Ctrl-C (which stops the guest) work as for any exec. The shell's state
 * goes from one line to the next through the host: the host passes
 *   OSH_SESSION=1:NONCE:TTY:LINE:STATUS:MODE   (MODE "run", or "end" for Ctrl-D)
 *   OSH_SESSION_STATE=TEXT                     (what the previous line saved)
 * and this file, at the end of the line, writes on the engine's stderr
 *   "\0OSH-SESSION:" NONCE "\0" then netstrings FLAGS, REST, PS1, PS2, STATE, "\n"
 * FLAGS holds 'e' (the session ended: exit, exec, set -e) and 'r' (REST is a command
 * that continues on the next line: the host prompts with PS2 and sends REST plus the
 * new line). STATE is shell text that recreates the session: working directory,
 * positional parameters, variables with their export/readonly flags, functions
 * (printed back from their parse trees), aliases, the EXIT trap, umask and options.
 *
 * Both variables are removed before anything runs, so the line's commands never see
 * the nonce and cannot forge a block. The host uses the block only to carry the
 * state; the verdict (exit status, violations) comes from the engine, never from here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

static struct {
  int active, tty, line, status, end;
  char *nonce, *state;
  struct stat stdio[3];   /* the engine's stdio: `test -t` is true only on these */
  int stdio_ok[3];
  int ended;
  char *rest;             /* an incomplete command, to be continued on the next line */
} ses;

/* Reads and removes the session variables; called first, before environ is imported. */
void sh_session_init(void) {
  const char *v = getenv("OSH_SESSION");
  char *state = getenv("OSH_SESSION_STATE");
  if (v && !strncmp(v, "1:", 2)) {
    char nonce[65], mode[8];
    if (sscanf(v + 2, "%64[0-9a-f]:%d:%d:%d:%7[a-z]", nonce, &ses.tty, &ses.line, &ses.status, mode) == 5) {
      ses.active = 1;
      ses.nonce = sh_strdup(nonce);
      ses.end = !strcmp(mode, "end");
      ses.state = state ? sh_strdup(state) : 0;
      for (int fd = 0; fd < 3; fd++) ses.stdio_ok[fd] = !fstat(fd, &ses.stdio[fd]);
    }
  }
  unsetenv("OSH_SESSION");
  unsetenv("OSH_SESSION_STATE");
}

int sh_session_active(void) { return ses.active && !sh.in_sub; }

/* `test -t FD`: a terminal only in a session opened with -t, and only while FD still
 * is one of the engine's stdio descriptors (not redirected to a file or a pipe stage). */
int sh_session_tty(const char *fd) {
  struct stat st;
  if (!ses.active || !ses.tty || fstat(atoi(fd), &st)) return 0;
  for (int i = 0; i < 3; i++)
    if (ses.stdio_ok[i] && st.st_dev == ses.stdio[i].st_dev && st.st_ino == ses.stdio[i].st_ino && !S_ISREG(st.st_mode)) return 1;
  return 0;
}

/* ---- the state as shell text ---- */

struct unparse { struct strbuf b; struct redir *heredocs[32]; int nheredocs, delim; };

static void list(struct unparse *u, struct node *n);

/* A newline of our own: here-document bodies follow it. */
static void newline(struct unparse *u) {
  sb_addc(&u->b, '\n');
  for (int i = 0; i < u->nheredocs; i++) {
    sb_adds(&u->b, u->heredocs[i]->word);
    char d[32];
    snprintf(d, sizeof d, "OSH_EOF_%d", u->delim++);
    sb_adds(&u->b, d);
    sb_addc(&u->b, '\n');
  }
  u->nheredocs = 0;
}

/* A delimiter that no line of the body equals (numbered; bumped until it is unique). */
static void heredoc_delim(struct unparse *u, struct redir *r) {
  for (;;) {
    char d[32];
    snprintf(d, sizeof d, "OSH_EOF_%d", u->delim + u->nheredocs);
    size_t dl = strlen(d);
    int clash = 0;
    for (const char *s = r->word; *s && !clash; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s))
      clash = !strncmp(s, d, dl) && (s[dl] == '\n' || !s[dl]);
    if (!clash) { sb_adds(&u->b, d); return; }
    u->delim++;
  }
}

static void redirs(struct unparse *u, struct redir *r) {
  static const char *ops[] = {[R_IN] = "<", [R_OUT] = ">", [R_APPEND] = ">>", [R_CLOBBER] = ">|",
    [R_RDWR] = "<>", [R_DUPIN] = "<&", [R_DUPOUT] = ">&", [R_HEREDOC] = "<<"};
  for (; r; r = r->next) {
    char fd[16];
    snprintf(fd, sizeof fd, " %d%s", r->fd, ops[r->type]);
    sb_adds(&u->b, fd);
    if (r->type != R_HEREDOC) { sb_adds(&u->b, r->word); continue; }
    if (r->quoted) sb_addc(&u->b, '\'');
    heredoc_delim(u, r);
    if (r->quoted) sb_addc(&u->b, '\'');
    if (u->nheredocs < 32) u->heredocs[u->nheredocs++] = r;
  }
}

/* Words with sep between them, and before the first when lead is set. */
static void words(struct unparse *u, char **w, const char *sep, int lead) {
  for (int i = 0; w && w[i]; i++) {
    if (i || lead) sb_adds(&u->b, sep);
    sb_adds(&u->b, w[i]);
  }
}

static void keyword(struct unparse *u, const char *kw) {
  newline(u);
  sb_adds(&u->b, kw);
  newline(u);
}

/* A reserved word (on a line of its own unless it opens the command) and its list. */
static void clause(struct unparse *u, int own_line, const char *kw, struct node *body) {
  if (own_line) keyword(u, kw);
  else { sb_adds(&u->b, kw); newline(u); }
  list(u, body);
}

static void command(struct unparse *u, struct node *n) {
  switch (n->type) {
  case N_CMD:
    words(u, n->assigns, " ", 0);
    if (n->assigns && n->words) sb_addc(&u->b, ' ');
    words(u, n->words, " ", 0);
    redirs(u, n->redirs);
    return;
  case N_FUNC:
    sb_adds(&u->b, n->name);
    sb_adds(&u->b, "() ");
    command(u, n->a);
    return;
  case N_PIPE: case N_AND: case N_OR:
    command(u, n->a);
    sb_adds(&u->b, n->type == N_PIPE ? " |" : n->type == N_AND ? " &&" : " ||");
    newline(u);
    command(u, n->b);
    return;
  case N_NOT:
    sb_adds(&u->b, "! ");
    command(u, n->a);
    return;
  case N_BG:
    command(u, n->a);
    sb_adds(&u->b, " &");
    return;
  case N_SEQ:
    list(u, n);
    return;
  case N_SUB: case N_GROUP:
    clause(u, 0, n->type == N_SUB ? "(" : "{", n->a);
    keyword(u, n->type == N_SUB ? ")" : "}");
    break;
  case N_IF:
    clause(u, 0, "if", n->a);
    clause(u, 1, "then", n->b);
    if (n->c) clause(u, 1, "else", n->c);
    keyword(u, "fi");
    break;
  case N_WHILE: case N_UNTIL:
    clause(u, 0, n->type == N_WHILE ? "while" : "until", n->a);
    clause(u, 1, "do", n->b);
    keyword(u, "done");
    break;
  case N_FOR:
    sb_adds(&u->b, "for ");
    sb_adds(&u->b, n->name);
    if (n->words) { sb_adds(&u->b, " in"); words(u, n->words, " ", 1); sb_addc(&u->b, ';'); }
    clause(u, 1, "do", n->a);
    keyword(u, "done");
    break;
  case N_CASE:
    sb_adds(&u->b, "case ");
    sb_adds(&u->b, n->name);
    sb_adds(&u->b, " in");
    for (struct caseitem *it = n->items; it; it = it->next) {
      newline(u);
      sb_addc(&u->b, '(');
      words(u, it->pats, " | ", 0);
      sb_addc(&u->b, ')');
      newline(u);
      if (it->body) list(u, it->body);
      keyword(u, ";;");
    }
    newline(u);
    sb_adds(&u->b, "esac");
    break;
  }
  /* the trailing part of a compound command: the closing word is on its own line */
  if (u->b.len && u->b.s[u->b.len - 1] == '\n') u->b.len--;
  redirs(u, n->redirs);
}

static void list(struct unparse *u, struct node *n) {
  if (n && n->type == N_SEQ) {
    list(u, n->a);
    newline(u);
    list(u, n->b);
  } else if (n) command(u, n);
  else sb_adds(&u->b, ":");
}

static void add_assign(struct strbuf *b, const char *cmd, const char *name, const char *value) {
  sb_adds(b, cmd);
  sb_adds(b, name);
  if (value) {
    char *q = sh_quote(value);
    sb_addc(b, '=');
    sb_adds(b, q);
    free(q);
  }
  sb_addc(b, '\n');
}

static void save_var(void *ctx, const char *name, const char *value, int flags) {
  struct strbuf *b = ctx;
  if (value) add_assign(b, "", name, value);
  if (flags & V_EXPORT) add_assign(b, "export ", name, 0);
}

static void save_readonly(void *ctx, const char *name, const char *value, int flags) {
  if (flags & V_RDONLY) add_assign(ctx, "readonly ", name, 0);
}

static void save_func(void *ctx, const char *name, struct node *body) {
  struct unparse *u = ctx;
  sb_adds(&u->b, name);
  sb_adds(&u->b, "() ");
  command(u, body);
  newline(u);
}

static void save_alias(void *ctx, const char *name, const char *value) {
  add_assign(ctx, "alias ", name, value);
}

/* Functions before aliases: a function's body was parsed with the aliases of its
 * time, and reading it back with today's would expand them a second time. */
static char *state_text(void) {
  struct unparse u = {{0}};
  struct strbuf *b = &u.b;
  char *cwd = getcwd(0, 0);
  if (cwd) { char *q = sh_quote(cwd); sb_adds(b, "cd -P -- "); sb_adds(b, q); sb_addc(b, '\n'); free(q); free(cwd); }
  sb_adds(b, "set --");
  for (int i = 0; i < sh.npos; i++) { char *q = sh_quote(sh.pos[i]); sb_addc(b, ' '); sb_adds(b, q); free(q); }
  sb_addc(b, '\n');
  sh_funcs_each(save_func, &u);
  sh_vars_each(save_var, b);
  sh_vars_each(save_readonly, b);
  sh_aliases_each(save_alias, b);
  if (sh_exit_trap) { char *q = sh_quote(sh_exit_trap); sb_adds(b, "trap -- "); sb_adds(b, q); sb_adds(b, " EXIT\n"); free(q); }
  /* options last: allexport or xtrace must not apply to the restoring itself */
  char tail[160];
  snprintf(tail, sizeof tail, "umask %04o\nset %co pipefail\nset %ce\nset %cu\nset %cf\nset %ca\nset %cC\nset %cx\n", sh.umask,
           "+-"[sh.opt_pipefail], "+-"[sh.opt_e], "+-"[sh.opt_u], "+-"[sh.opt_f], "+-"[sh.opt_a], "+-"[sh.opt_C], "+-"[sh.opt_x]);
  sb_adds(b, tail);
  return sb_take(b);
}

/* The previous line's state, in a shell emptied of everything the environment gave. */
static void restore(void) {
  if (!ses.state) {   /* the first line: dash's prompts */
    if (!sh_getvar("PS1")) sh_setvar("PS1", "$ ", 0);
    if (!sh_getvar("PS2")) sh_setvar("PS2", "> ", 0);
    return;
  }
  sh_fresh_state();
  sh_vars_restore(sh_alloc(sizeof(void *)), 0);
  sh_run_string(ses.state, 0);
  if (sh.unwind) {
    sh_err("session: the state of the previous line could not be restored");
    sh.unwind = U_NONE;
  }
  sh.status = ses.status;
}

/* Runs one line (and any lines before it that it completes) as an interactive shell
 * does: command by command; a syntax error or a special builtin's error ends the
 * line, not the session; exit, exec and set -e end the session (and run the EXIT trap). */
int sh_session_run(const char *script) {
  restore();
  sh.line = ses.line;
  if (ses.end) { ses.ended = 1; sh_exit_trap_run(); return sh.status & 255; }
  size_t done = 0, len = strlen(script);
  int line = ses.line;
  while (done < len) {
    int state;
    size_t used;
    struct node *cmd = sh_parse_partial(script + done, &line, 1, &used, &state);
    if (state == 1) { ses.rest = sh_strdup(script + done); break; }
    if (state != 3) {   /* blank lines, or a syntax error (reported): the line is done */
      if (state == 2) sh.status = 2;
      sh.unwind = U_NONE;
      break;
    }
    done += used;
    if (cmd) sh_exec(cmd);
    if (sh.unwind == U_EXIT && !sh.fatal) { ses.ended = 1; break; }
    sh.unwind = U_NONE;
    sh.fatal = 0;
  }
  if (ses.ended) sh_exit_trap_run();
  return sh.status & 255;
}

static void netstring(struct strbuf *b, const char *s, size_t n) {
  char len[24];
  snprintf(len, sizeof len, "%zu:", n);
  sb_adds(b, len);
  sb_add(b, s, n);
  sb_addc(b, ',');
}

/* $PS1 or $PS2 after parameter expansion (and command substitution), as POSIX asks. */
static char *prompt(const char *name) {
  const char *v = sh_getvar(name);
  if (!v) return sh_strdup("");
  struct strbuf w = {0};
  sb_addc(&w, '"');
  for (const char *c = v; *c; c++) { if (*c == '"') sb_addc(&w, '\\'); sb_addc(&w, *c); }
  sb_addc(&w, '"');
  char *word = sb_take(&w), *out = sh_expand_str(word);
  free(word);
  if (sh.unwind || !out) { free(out); out = sh_strdup(v); }
  sh.unwind = U_NONE;
  sh.fatal = 0;
  return out;
}

/* The block for the host, on the engine's stderr (after every redirection was undone). */
void sh_session_emit(void) {
  if (!ses.active) return;
  struct strbuf b = {0};
  char *ps1 = prompt("PS1"), *ps2 = prompt("PS2"), *state = state_text();
  const char *rest = ses.rest ? ses.rest : "";
  char flags[3] = {0};
  int nf = 0;
  if (ses.ended) flags[nf++] = 'e';
  if (*rest) flags[nf++] = 'r';
  sb_add(&b, "\0OSH-SESSION:", 13);
  sb_adds(&b, ses.nonce);
  sb_addc(&b, 0);
  netstring(&b, flags, nf);
  netstring(&b, rest, strlen(rest));
  netstring(&b, ps1, strlen(ps1));
  netstring(&b, ps2, strlen(ps2));
  netstring(&b, state, strlen(state));
  sb_addc(&b, '\n');
  for (size_t off = 0; off < b.len;) {
    ssize_t k = write(2, b.s + off, b.len - off);
    if (k <= 0) break;
    off += k;
  }
  free(b.s); free(ps1); free(ps2); free(state);
}
