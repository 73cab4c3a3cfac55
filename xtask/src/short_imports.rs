//! Short names for the functions the main wasm imports from its JavaScript.
//!
//! wasm-bindgen names each import `__wbg_<what>_<16 hex digits>` and every
//! one names its module `./users-console-<hash>_bg.js`: 18 KB of the wasm's
//! import section and as much again as keys in the JavaScript, and hex
//! digits barely compress (4.4 KB gzip in the wasm, ~3 KB in the script).
//! Both files are renamed here together — `a`, `b`, … and the module `w` —
//! so the first load carries neither. Only names the script defines exactly
//! once as `name: function(` are renamed; anything else stops the build,
//! which is how a new wasm-bindgen that writes its glue differently shows.

use wasmparser::{BinaryReader, Parser, TypeRef};

/// The module name the renamed imports get.
const SHORT_MODULE: &str = "w";

/// `wasm` and its wasm-bindgen `script` with the imports from `module`
/// (`./<stem>_bg.js`) renamed in both.
pub fn shorten(wasm: &[u8], script: &str, module: &str) -> Result<(Vec<u8>, String), String> {
    let fail = |e: wasmparser::BinaryReaderError| format!("reading the wasm: {e}");
    let mut out = wasm[..8].to_vec();
    let mut script = script.to_string();
    let mut renamed = 0;
    for payload in Parser::new(0).parse_all(wasm) {
        let Some((id, range)) = payload.map_err(fail)?.as_section() else {
            continue;
        };
        // `range` is the section's body; its id and size come before it.
        let body = &wasm[range.start as usize..range.end as usize];
        if id != 2 {
            out.push(id);
            leb(&mut out, body.len() as u32);
            out.extend_from_slice(body);
            continue;
        }
        let mut reader = BinaryReader::new(body, range.start);
        let count = reader.read_var_u32().map_err(fail)?;
        let mut section = Vec::with_capacity(body.len());
        leb(&mut section, count);
        for _ in 0..count {
            let from = reader.read_string().map_err(fail)?;
            let name = reader.read_string().map_err(fail)?;
            let start = reader.current_position();
            reader.read::<TypeRef>().map_err(fail)?;
            let kind = &body[start..reader.current_position()];
            if from == module {
                let short = short_name(renamed);
                renamed += 1;
                script = rename_key(&script, name, &short)?;
                string(&mut section, SHORT_MODULE);
                string(&mut section, &short);
            } else {
                string(&mut section, from);
                string(&mut section, name);
            }
            section.extend_from_slice(kind);
        }
        out.push(id);
        leb(&mut out, section.len() as u32);
        out.extend_from_slice(&section);
    }
    if renamed == 0 {
        return Err(format!("the wasm imports nothing from {module}"));
    }
    wasmparser::validate(&out).map_err(|e| format!("the renamed wasm: {e}"))?;
    let key = format!("\"{module}\": import0,");
    if script.matches(&key).count() != 1 {
        return Err(format!(
            "the script does not hand the wasm its imports as {key}"
        ));
    }
    Ok((
        out,
        script.replacen(&key, &format!("{SHORT_MODULE}: import0,"), 1),
    ))
}

/// `script` with the import object's key `name` renamed `short`.
fn rename_key(script: &str, name: &str, short: &str) -> Result<String, String> {
    let key = format!("\n        {name}: function(");
    match script.matches(&key).count() {
        1 => Ok(script.replacen(&key, &format!("\n        {short}: function("), 1)),
        n => Err(format!(
            "the script defines the import {name} {n} times, not once"
        )),
    }
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then `aa`, `ab`, …
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

fn leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn string(out: &mut Vec<u8>, s: &str) {
    leb(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one function type, importing two functions from the
    /// app's glue and one from the chunks' loader, and a memory.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // Type section: one type, () -> ().
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        let mut imports = Vec::new();
        leb(&mut imports, 4);
        for (from, name) in [
            ("./app_bg.js", "__wbg_log_0123456789abcdef"),
            ("./split.js", "load"),
        ] {
            string(&mut imports, from);
            string(&mut imports, name);
            imports.extend_from_slice(&[0, 0]);
        }
        string(&mut imports, "./app_bg.js");
        string(&mut imports, "__wbg_now_fedcba9876543210");
        imports.extend_from_slice(&[0, 0]);
        string(&mut imports, "./split.js");
        string(&mut imports, "memory");
        imports.extend_from_slice(&[2, 0, 1]);
        m.push(2);
        leb(&mut m, imports.len() as u32);
        m.extend_from_slice(&imports);
        m
    }

    const SCRIPT: &str = "function __wbg_get_imports() {\n    const import0 = {\n        \
        __proto__: null,\n        __wbg_log_0123456789abcdef: function(arg0) {\n            \
        console.log(arg0);\n        },\n        __wbg_now_fedcba9876543210: function() {\n            \
        return Date.now();\n        },\n    };\n    return {\n        __proto__: null,\n        \
        \"./app_bg.js\": import0,\n        \"./split.js\": import1,\n    };\n}\n";

    fn imports(wasm: &[u8]) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(reader) = payload.unwrap() {
                for import in reader.into_imports() {
                    let import = import.unwrap();
                    found.push((import.module.to_string(), import.name.to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn the_glues_imports_get_short_names_in_the_wasm_and_the_script_alike() {
        let (wasm, script) = shorten(&module(), SCRIPT, "./app_bg.js").unwrap();
        let names = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            imports(&wasm),
            names(&[
                ("w", "a"),
                ("./split.js", "load"),
                ("w", "b"),
                ("./split.js", "memory")
            ])
        );
        assert!(script.contains("\n        a: function(arg0) {\n            console.log(arg0);"));
        assert!(script.contains("\n        b: function() {\n            return Date.now();"));
        assert!(script.contains("\n        w: import0,\n        \"./split.js\": import1,"));
        assert!(!script.contains("__wbg_log") && !script.contains("./app_bg.js"));
        wasmparser::validate(&wasm).unwrap();
    }

    #[test]
    fn a_name_the_script_does_not_define_once_stops_the_build() {
        let missing = SCRIPT.replace("__wbg_now_fedcba9876543210: function", "now: function");
        let error = shorten(&module(), &missing, "./app_bg.js").unwrap_err();
        assert!(
            error.contains("__wbg_now_fedcba9876543210 0 times"),
            "{error}"
        );
        let error = shorten(&module(), SCRIPT, "./other_bg.js").unwrap_err();
        assert!(
            error.contains("imports nothing from ./other_bg.js"),
            "{error}"
        );
    }

    #[test]
    fn short_names_are_distinct_letters() {
        let names: Vec<String> = (0..52 * 53).map(short_name).collect();
        assert_eq!((names[0].as_str(), names[51].as_str()), ("a", "Z"));
        assert_eq!((names[52].as_str(), names[53].as_str()), ("aa", "ab"));
        let distinct: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic())));
    }
}
