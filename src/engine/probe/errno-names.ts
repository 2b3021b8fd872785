// WASI preview1 errno values by name, so a report says EACCES rather than "errno 2"
// (WASI numbers differ from Linux's: EACCES is 2, ENOENT 44).
const NAMES = (
  "SUCCESS 2BIG ACCES ADDRINUSE ADDRNOTAVAIL AFNOSUPPORT AGAIN ALREADY BADF BADMSG BUSY CANCELED CHILD CONNABORTED " +
  "CONNREFUSED CONNRESET DEADLK DESTADDRREQ DOM DQUOT EXIST FAULT FBIG HOSTUNREACH IDRM ILSEQ INPROGRESS INTR INVAL IO " +
  "ISCONN ISDIR LOOP MFILE MLINK MSGSIZE MULTIHOP NAMETOOLONG NETDOWN NETRESET NETUNREACH NFILE NOBUFS NODEV NOENT " +
  "NOEXEC NOLCK NOLINK NOMEM NOMSG NOPROTOOPT NOSPC NOSYS NOTCONN NOTDIR NOTEMPTY NOTRECOVERABLE NOTSOCK NOTSUP NOTTY " +
  "NXIO OVERFLOW OWNERDEAD PERM PIPE PROTO PROTONOSUPPORT PROTOTYPE RANGE ROFS SPIPE SRCH STALE TIMEDOUT TXTBSY XDEV NOTCAPABLE"
).split(" ");

/** `EACCES`, `no error` for 0; a number WASI does not define stays a number. */
export function errnoName(errno: number | undefined): string {
  if (errno === undefined) return "no result";
  if (errno === 0) return "no error";
  const name = Number.isInteger(errno) && errno > 0 ? NAMES[errno] : undefined;
  return name ? `E${name}` : `errno ${errno}`;
}
