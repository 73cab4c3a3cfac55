//! Transfer size of the built app: every file in dist/, raw, gzip and
//! brotli, and whether a cold load of the list fetches it (the views split
//! off into chunks come on their first visit; see `app_build.rs`).

use std::path::Path;

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    /// Fetched by a cold load of the Users list (not a lazily loaded chunk).
    pub first_load: bool,
}

/// Sizes of the files a browser downloads (everything in dist/ but the
/// favicon's and config's few bytes are counted too: they are fetched).
pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
    let chunks = lazy_chunks(dist)?;
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // The compressed copies are other encodings of the same files.
        if !path.is_file() || name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let first_load = !chunks.contains(&name);
        files.push(FileSize {
            name,
            raw: bytes.len() as u64,
            gzip: crate::dist::gzip(&bytes)?.len() as u64,
            brotli: crate::dist::brotli(&bytes)?.len() as u64,
            first_load,
        });
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(files)
}

/// The wasm files the chunks' loader (`__wasm_split-<hash>.js`) fetches on
/// demand, by the names it quotes (`"./chunk_3-<hash>.wasm"`).
fn lazy_chunks(dist: &Path) -> Result<Vec<String>, String> {
    let mut chunks = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("__wasm_split") && name.ends_with(".js")) {
            continue;
        }
        let loader = crate::dist::read_string(&entry.path())?;
        chunks.extend(quoted_wasm_files(&loader));
    }
    Ok(chunks)
}

/// Every `"./<name>.wasm"` in `js`.
fn quoted_wasm_files(js: &str) -> Vec<String> {
    js.split('"')
        .filter_map(|part| part.strip_prefix("./"))
        .filter(|name| name.ends_with(".wasm") && !name.contains('/'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_loader_names_its_chunks() {
        let js = "const a = makeLoad(() => { const src = fetch(new URL(\"./chunk_3-ab.wasm\", import.meta.url)); }, []);\n\
                  import { initSync } from \"./users-console-ab.js\";\n\
                  export const x = wrapAsyncCb(makeLoad(fetch(new URL(\"./split_groups_1-ab.wasm\", import.meta.url))));";
        assert_eq!(
            super::quoted_wasm_files(js),
            ["chunk_3-ab.wasm", "split_groups_1-ab.wasm"]
        );
    }
}
