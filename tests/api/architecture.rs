//! The shape of the source tree, read from the files: the core imports
//! nothing from either door, each top-level module imports only from the
//! layers below it (docs/architecture.md), and no module imports a module
//! that imports it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/api/src");

/// The core: everything that both doors and the demo share. None of it may
/// mention either door or the web framework, not even in a comment.
const CORE: [&str; 10] = [
    "domain",
    "clock",
    "error",
    "paging",
    "concurrency",
    "db",
    "auth",
    "services",
    "report",
    "demo",
];

const DOOR_WORDS: [&str; 6] = [
    "actix",
    "crate::http",
    "crate::routes",
    "crate::state",
    "crate::server",
    "crate::web",
];

/// What each top-level module may import, layer by layer: the vocabulary,
/// the stores, the operations, their presentation, the doors and the
/// demo, and the shell that assembles them (which may import anything).
const LAYERS: [(&str, &[&str]); 18] = [
    ("domain", &[]),
    ("clock", &[]),
    ("error", &["domain"]),
    ("paging", &["error"]),
    ("concurrency", &["error"]),
    ("db", &["domain", "error", "paging", "clock"]),
    ("auth", &["domain", "error"]),
    (
        "services",
        &[
            "db",
            "auth",
            "domain",
            "error",
            "paging",
            "concurrency",
            "clock",
        ],
    ),
    ("report", &["services", "domain", "error", "clock"]),
    (
        "demo",
        &[
            "services",
            "db",
            "auth",
            "domain",
            "error",
            "concurrency",
            "clock",
        ],
    ),
    ("state", &["db", "auth", "clock", "demo", "domain"]),
    (
        "http",
        &[
            "services",
            "report",
            "state",
            "domain",
            "error",
            "paging",
            "concurrency",
            "clock",
        ],
    ),
    (
        "routes",
        &[
            "http",
            "services",
            "report",
            "state",
            "domain",
            "error",
            "paging",
            "concurrency",
            "clock",
        ],
    ),
    (
        "web",
        &[
            "http",
            "services",
            "report",
            "state",
            "auth",
            "demo",
            "domain",
            "error",
            "paging",
            "concurrency",
            "clock",
        ],
    ),
    ("openapi", &["domain", "error"]),
    ("config", &["clock"]),
    ("telemetry", &["config"]),
    (
        "server",
        &[
            "http",
            "routes",
            "web",
            "openapi",
            "state",
            "telemetry",
            "error",
        ],
    ),
];

/// Modules that assemble the application and may import anything.
const SHELL: [&str; 2] = ["cli", ""];

/// A module of the crate: its path (`services::actions::view`), its file,
/// and its code without comments, literals and test module.
struct Module {
    path: String,
    file: PathBuf,
    text: String,
    code: String,
}

fn modules() -> Vec<Module> {
    let mut files = Vec::new();
    collect(Path::new(SOURCE), &mut files);
    files
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "main.rs"))
        .map(|file| {
            let relative = file.strip_prefix(SOURCE).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Module {
                path: parts.join("::"),
                code: strip(&text),
                text,
                file,
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code of a file without its test module, comments, and the contents
/// of string and character literals.
fn strip(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            i += 2;
            let mut depth = 1;
            while i < chars.len() && depth > 0 {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 1;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 1;
                }
                i += 1;
            }
        } else if chars[i] == 'r'
            && rest.len() > 1
            && (rest[1] == '"' || rest[1] == '#')
            && (i == 0 || !chars[i - 1].is_alphanumeric() && chars[i - 1] != '_')
        {
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            if rest.get(1 + hashes) != Some(&'"') {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            let end: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&end) {
                i += 1;
            }
            i += end.len();
            out.push_str("\"\"");
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if chars[i] == '\'' && (rest.get(2) == Some(&'\'') || rest.get(1) == Some(&'\\')) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Every path a module names: the leaves of its `use` trees, and the
/// `crate::`, `super::` and `self::` paths written in its code.
fn named_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        expand("", &after[..end], &mut paths);
        rest = &after[end..];
    }
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |n| at + n);
            let path = code[at..end].trim_end_matches(':');
            // `use super::{a, b}` names its modules in the tree, read above.
            if path.contains("::") {
                paths.push(path.to_owned());
            }
        }
    }
    paths
}

/// The start of the next `use` item.
fn find_use(code: &str) -> Option<usize> {
    let bytes = code.as_bytes();
    code.match_indices("use ").map(|(at, _)| at).find(|&at| {
        at == 0
            || matches!(
                bytes[at - 1],
                b' ' | b'\n' | b'\t' | b'{' | b';' | b'}' | b'('
            )
    })
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into its leaves.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let leaf = tree.split(" as ").next().unwrap_or_default().trim();
        if !leaf.is_empty() {
            out.push(format!("{prefix}{leaf}"));
        }
        return;
    };
    let close = tree.rfind('}').unwrap_or(tree.len());
    let head = format!("{prefix}{}", &tree[..open]);
    let mut depth = 0;
    let mut part = String::new();
    for c in tree[open + 1..close].chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&head, &part, out);
                part.clear();
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    expand(&head, &part, out);
}

/// The module a path names, from inside `from`: the longest prefix that is
/// a module of the crate. Paths into other crates name none.
fn resolve(from: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").map(str::trim).collect();
    let mut base: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    match segments.first().copied() {
        Some("crate") => {
            base.clear();
            segments.remove(0);
        }
        Some("self") => {
            segments.remove(0);
        }
        Some("super") => {
            while segments.first() == Some(&"super") {
                base.pop();
                segments.remove(0);
            }
        }
        // A child module named without `self::` (`pub use view::X`).
        Some(first) if known.contains(&join(&base, &[first])) => {}
        _ => return None,
    }
    let segments: Vec<&str> = segments
        .into_iter()
        .filter(|s| !matches!(*s, "self" | "*" | ""))
        .collect();
    (0..=segments.len())
        .rev()
        .map(|n| join(&base, &segments[..n]))
        .find(|candidate| known.contains(candidate))
}

fn join(base: &[&str], more: &[&str]) -> String {
    base.iter()
        .chain(more)
        .copied()
        .collect::<Vec<_>>()
        .join("::")
}

/// Which modules each module imports.
fn imports(modules: &[Module]) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<String> = modules.iter().map(|m| m.path.clone()).collect();
    modules
        .iter()
        .map(|m| {
            let targets = named_paths(&m.code)
                .iter()
                .filter_map(|p| resolve(&m.path, p, &known))
                .filter(|t| *t != m.path)
                .collect();
            (m.path.clone(), targets)
        })
        .collect()
}

fn top(path: &str) -> &str {
    path.split("::").next().unwrap_or_default()
}

#[test]
fn the_core_names_neither_door_nor_the_web_framework() {
    let mut found = Vec::new();
    for module in modules() {
        if !CORE.contains(&top(&module.path)) {
            continue;
        }
        for (n, line) in module.text.lines().enumerate() {
            if DOOR_WORDS.iter().any(|word| line.contains(word)) {
                found.push(format!(
                    "{}:{}: {}",
                    module.file.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the core (domain, db, services, report, ...) must not name the doors:\n{}",
        found.join("\n")
    );
}

/// The rules a door must leave to the operations: who may do what, what is
/// valid, and the delivery, review and indicator rules.
const RULE_MODULES: [&str; 5] = [
    "domain::permissions",
    "domain::delivery",
    "domain::review",
    "domain::allowed",
    "services::input",
];

/// Neither door holds a rule: they read what the operations decided (a
/// view's `allowed_actions`, an `AppError`'s field errors) and never ask a
/// rule themselves, so the API's and the pages' permission and validation
/// tests exercise the same functions.
#[test]
fn neither_door_asks_a_rule_itself() {
    let modules = modules();
    let mut found = Vec::new();
    for (from, targets) in imports(&modules) {
        if !matches!(top(&from), "web" | "routes" | "http") {
            continue;
        }
        for target in targets {
            if RULE_MODULES.contains(&target.as_str()) {
                found.push(format!("{from} -> {target}"));
            }
        }
    }
    let words = ["permissions::can_", "validate(", "garde::"];
    for module in &modules {
        if !matches!(top(&module.path), "web" | "routes") {
            continue;
        }
        for word in words {
            if module.code.contains(word) {
                found.push(format!("{} names {word}", module.path));
            }
        }
    }
    assert!(found.is_empty(), "rules in a door:\n{}", found.join("\n"));
}

#[test]
fn each_top_level_module_imports_only_from_the_layers_below_it() {
    let modules = modules();
    let layers: BTreeMap<&str, &[&str]> = LAYERS.into_iter().collect();
    let mut wrong = Vec::new();
    let mut unplaced = BTreeSet::new();
    for (from, targets) in imports(&modules) {
        let from_top = top(&from);
        if SHELL.contains(&from_top) {
            continue;
        }
        let Some(allowed) = layers.get(from_top) else {
            unplaced.insert(from_top.to_owned());
            continue;
        };
        for target in targets {
            let to_top = top(&target);
            if to_top != from_top && !allowed.contains(&to_top) {
                wrong.push(format!("{from} imports {target}"));
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "give these modules a layer here and in docs/architecture.md: {unplaced:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the layers of docs/architecture.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let graph = imports(&modules());
    let cycles = strongly_connected(&graph);
    let described: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            cycle
                .iter()
                .map(|m| {
                    let within: Vec<&String> =
                        graph[m].iter().filter(|t| cycle.contains(*t)).collect();
                    format!("  {m} -> {within:?}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        described.join("\n\n")
    );
}

/// The groups of two or more modules that reach each other (Tarjan).
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = BTreeSet::new();
                while let Some(member) = self.stack.pop() {
                    group.insert(member.to_owned());
                    if member == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found
}

/// Longest source file, not counting its test module.
const FILE_LINES: usize = 600;
/// Longest function outside tests.
const FUNCTION_LINES: usize = 80;

#[test]
fn files_and_functions_stay_short_enough_to_read() {
    let mut long = Vec::new();
    for module in modules() {
        let lines = module
            .text
            .find("#[cfg(test)]\nmod tests")
            .map_or(module.text.as_str(), |at| &module.text[..at])
            .lines()
            .count();
        // The schema is generated by diesel.
        if lines > FILE_LINES && !module.file.ends_with("db/schema.rs") {
            long.push(format!("{}: {lines} lines", module.file.display()));
        }
        for (name, length) in functions(&module.code) {
            if length > FUNCTION_LINES {
                long.push(format!(
                    "{}: fn {name}, {length} lines",
                    module.file.display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these by what they do (files up to {FILE_LINES} lines, functions up to {FUNCTION_LINES}):\n{}",
        long.join("\n")
    );
}

/// Each function's name and length in lines, from its signature to its
/// closing brace (in code whose literals and comments are stripped).
fn functions(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(at) = line.find("fn ") else {
            continue;
        };
        if at > 0 && line.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let name: String = line[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let mut depth = 0;
        let mut opened = false;
        for (offset, body) in lines[start..].iter().enumerate() {
            for c in body.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !opened && body.trim_end().ends_with(';') {
                break;
            }
            if opened && depth <= 0 {
                found.push((name.clone(), offset + 1));
                break;
            }
        }
    }
    found
}

#[test]
fn the_documents_name_every_top_level_module() {
    let root = env!("CARGO_MANIFEST_DIR");
    let architecture = std::fs::read_to_string(format!("{root}/docs/architecture.md")).unwrap();
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let layout = readme
        .split("## Layout")
        .nth(1)
        .expect("the README has a Layout section");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(SOURCE).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let shown = if path.is_dir() {
            format!("{name}/")
        } else {
            name.clone()
        };
        if name == "lib.rs" || name == "main.rs" {
            continue;
        }
        for (document, text) in [
            ("docs/architecture.md", &architecture),
            ("README layout", &layout.to_owned()),
        ] {
            if !text.contains(&shown) {
                missing.push(format!("{document} does not name {shown}"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_reader_of_the_tree_reads_use_trees_and_paths() {
    let mut out = Vec::new();
    expand(
        "",
        "crate::db::{self, Conn, actions::{Action, find}}",
        &mut out,
    );
    assert_eq!(
        out,
        [
            "crate::db::self",
            "crate::db::Conn",
            "crate::db::actions::Action",
            "crate::db::actions::find",
        ]
    );
    let known: BTreeSet<String> = ["db", "db::actions", "services", "services::actions"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        resolve(
            "services::actions",
            "super::super::db::actions::find",
            &known
        )
        .as_deref(),
        Some("db::actions")
    );
    assert_eq!(
        resolve("services::actions", "crate::db::Conn", &known).as_deref(),
        Some("db")
    );
    assert_eq!(
        resolve("services", "actions::view", &known).as_deref(),
        Some("services::actions")
    );
    assert_eq!(resolve("db", "serde::Serialize", &known), None);
    let code = strip("use crate::db; // crate::http\nlet s = \"crate::http\"; let c = '\"';\n");
    assert_eq!(named_paths(&code), ["crate::db", "crate::db"]);
    assert_eq!(
        named_paths("use super::{csv, html};"),
        ["super::csv", "super::html"]
    );
}
