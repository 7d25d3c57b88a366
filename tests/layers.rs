//! The layers of DESIGN.md hold: every `crate::` path in a module's non-test code points
//! to a lower layer (never sideways, never up), so there is no cycle between modules and
//! the engine never imports a front end.

const LAYERS: &[&[&str]] = &[
    &["text", "files", "iana", "cancel"],
    &["wire"],
    &["profile", "fingerprint"],
    // export is a pure function of the profile; it sits below backend so that the
    // client backends (backend/clients) run exactly the code it prints.
    &[
        "net",
        "ossl",
        "tap",
        "certinfo",
        "materials",
        "export",
        "pcap",
    ],
    &["backend", "decrypt"],
    &["report"],
    &["probe", "scan", "keylog"],
    &["diagnose"],
    &["explain", "diff", "import"],
    &["lab"],
    &["resolve"],
    &["cli", "tui"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_only_point_down() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        if module == "lib" || module == "main" || rel.contains("tests") {
            continue;
        }
        let me = rank(&module).unwrap_or_else(|| panic!("{rel}: module {module} has no layer"));
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests at the end of a file may use anything.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in line.split("crate::").skip(1) {
                let name: String = used
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name == module {
                    continue;
                }
                match rank(&name) {
                    Some(r) if r < me => {}
                    _ => wrong.push(format!("{rel}:{}: {module} uses {name}", n + 1)),
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that do not point down:\n{}",
        wrong.join("\n")
    );
}
