// fidelity-rs: the Rust (std) guest of the differential harness (test/fidelity/), built
// with Debian's rustc 1.63 and libstd-rust-dev-wasm32 by scripts/build-fidelity-rs.sh
// and committed (npm install cannot install Debian packages). Rust's std opens
// directories with more rights than it uses, so a read-only grant must narrow rights
// rather than refuse the request.
// usage: fidelity-rs ACTION [ARG...]
//   args          each argument
//   env           the environment, sorted
//   list DIR      std::fs::read_dir, sorted names
//   read PATH     std::fs::read_to_string
//   files DIR     create_dir, write, append, read, rename, remove in DIR
use std::env;
use std::fs;
use std::io::Write;
use std::process::exit;

fn show<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Option<T> {
    match r {
        Ok(v) => {
            println!("{}: ok", what);
            Some(v)
        }
        Err(e) => {
            println!("{}: error {}", what, e);
            None
        }
    }
}

fn list(dir: &str) {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
            names.sort();
            println!("list {}: {}", dir, names.join(" "));
        }
        Err(e) => println!("list {}: error {}", dir, e),
    }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let action = args.get(1).map(String::as_str).unwrap_or("");
    let arg = args.get(2).map(String::as_str).unwrap_or("");
    match action {
        "args" => {
            for (i, a) in args.iter().enumerate() {
                println!("argv[{}] {}", i, a);
            }
        }
        "env" => {
            let mut vars: Vec<(String, String)> = env::vars().collect();
            vars.sort();
            for (k, v) in vars {
                println!("{}={}", k, v);
            }
        }
        "list" => list(arg),
        "read" => match fs::read_to_string(arg) {
            Ok(text) => print!("read {}: {}", arg, text),
            Err(e) => println!("read {}: error {}", arg, e),
        },
        "files" => {
            show("create_dir", fs::create_dir(arg));
            let f = format!("{}/f.txt", arg);
            show("write", fs::write(&f, "hello\n"));
            if let Some(mut file) = show("open append", fs::OpenOptions::new().append(true).open(&f)) {
                show("append", file.write_all(b"more\n"));
            }
            show("read", fs::read_to_string(&f).map(|t| print!("{}", t)));
            show("metadata", fs::metadata(&f).map(|m| println!("len {}", m.len())));
            show("rename", fs::rename(&f, format!("{}/g.txt", arg)));
            list(arg);
            show("remove_file", fs::remove_file(format!("{}/g.txt", arg)));
            list(arg);
        }
        _ => {
            eprintln!("fidelity-rs: unknown action {}", action);
            exit(2);
        }
    }
}
