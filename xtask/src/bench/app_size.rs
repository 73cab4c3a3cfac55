//! Transfer size of the built app: every file in dist/, raw, gzip and brotli.

use std::path::Path;

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Sizes of the files a browser downloads (everything in dist/ but the
/// favicon's and config's few bytes are counted too: they are fetched).
pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
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
        files.push(FileSize {
            name,
            raw: bytes.len() as u64,
            gzip: crate::dist::gzip(&bytes)?.len() as u64,
            brotli: crate::dist::brotli(&bytes)?.len() as u64,
        });
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(files)
}
