// fidelity-as: the AssemblyScript guest of the differential harness (test/fidelity/),
// built with the npm `assemblyscript` compiler and `@assemblyscript/wasi-shim`
// (scripts/build-fidelity-as.mjs). AssemblyScript lays memory out unlike LLVM: static
// data, then a 32 KiB shadow stack, then the heap, and many mutable i32 globals besides
// its stack pointer; the guard must borrow scratch memory without touching any of it.
// usage: fidelity-as ACTION [ARG...]
//   args          argc and each argument
//   env           the environment, sorted
//   stdio         stdout and stderr lines, exit 3
//   random        crypto.getRandomValues: non-zero, two draws differ
//   clock         Date.now plausible, performance.now non-decreasing
//   files PATH    create, write, read back PATH (absolute) with raw WASI calls
//   read PATH     print the file at PATH (absolute), or its errno
import { fd_close, fd_read, fd_write, iovec, path_open } from "@assemblyscript/wasi-shim/assembly/bindings/wasi_snapshot_preview1";

const ROOT_PREOPEN: u32 = 3; // the SDK's "/" preopen
const RIGHTS_READ: u64 = 2 | 4 | (1 << 21); // fd_read, fd_seek, fd_filestat_get
const RIGHTS_WRITE: u64 = 64; // fd_write
const OFLAGS_CREAT_TRUNC: u16 = 1 | 8;

function openAt(path: string, oflags: u16, rights: u64): i32 {
  // WASI paths are relative to the preopen: strip the leading "/"
  const rel = String.UTF8.encode(path.startsWith("/") ? path.substring(1) : path);
  const out = memory.data(8);
  const err = path_open(ROOT_PREOPEN, 1, changetype<usize>(rel), rel.byteLength, oflags, rights, rights, 0, out);
  return err ? -i32(err) : load<i32>(out);
}

function writeAll(fd: i32, text: string): u16 {
  const bytes = String.UTF8.encode(text);
  const iov = new iovec();
  iov.buf = changetype<usize>(bytes);
  iov.buf_len = bytes.byteLength;
  const put = memory.data(8);
  return fd_write(fd, changetype<usize>(iov), 1, put);
}

function readAll(path: string): string {
  const fd = openAt(path, 0, RIGHTS_READ);
  if (fd < 0) return "errno " + (-fd).toString();
  const buf = new ArrayBuffer(4096);
  const iov = new iovec();
  iov.buf = changetype<usize>(buf);
  iov.buf_len = 4096;
  const got = memory.data(8);
  const err = fd_read(fd, changetype<usize>(iov), 1, got);
  fd_close(fd);
  if (err) return "read errno " + err.toString();
  return String.UTF8.decode(buf.slice(0, load<u32>(got)));
}

function main(): i32 {
  const argv = process.argv;
  const action = argv.length > 1 ? argv[1] : "";
  const arg = argv.length > 2 ? argv[2] : "";
  if (action == "args") {
    console.log("argc " + argv.length.toString());
    for (let i = 0; i < argv.length; i++) console.log("argv[" + i.toString() + "] " + argv[i]);
    return 0;
  }
  if (action == "env") {
    const keys = process.env.keys().sort();
    for (let i = 0; i < keys.length; i++) console.log(keys[i] + "=" + process.env.get(keys[i]));
    return 0;
  }
  if (action == "stdio") {
    process.stdout.write("to stdout\n");
    process.stderr.write("to stderr\n");
    console.log("console.log line");
    return 3;
  }
  if (action == "random") {
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    crypto.getRandomValues(a);
    crypto.getRandomValues(b);
    let nonzero = false;
    let differ = false;
    for (let i = 0; i < 64; i++) {
      if (a[i] != 0) nonzero = true;
      if (a[i] != b[i]) differ = true;
    }
    console.log("non-zero: " + (nonzero ? "yes" : "no"));
    console.log("draws differ: " + (differ ? "yes" : "no"));
    return 0;
  }
  if (action == "clock") {
    console.log("Date.now after 2020: " + (Date.now() > 1577836800000 ? "yes" : "no"));
    const t0 = performance.now();
    const t1 = performance.now();
    console.log("performance.now non-decreasing: " + (t1 >= t0 ? "yes" : "no"));
    return 0;
  }
  if (action == "files") {
    const fd = openAt(arg, OFLAGS_CREAT_TRUNC, RIGHTS_READ | RIGHTS_WRITE);
    if (fd < 0) {
      console.log("open " + arg + ": errno " + (-fd).toString());
      return 1;
    }
    console.log("write: errno " + writeAll(fd, "written by AssemblyScript\n").toString());
    fd_close(fd);
    console.log("read back: " + readAll(arg));
    return 0;
  }
  if (action == "read") {
    console.log("read " + arg + ": " + readAll(arg));
    return 0;
  }
  process.stderr.write("fidelity-as: unknown action " + action + "\n");
  return 2;
}

process.exit(main());
