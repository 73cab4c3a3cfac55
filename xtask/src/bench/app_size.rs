//! Transfer size of the built app: every file in dist/, raw, gzip and brotli.

use std::io::Write;
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
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        files.push(FileSize {
            name: entry.file_name().to_string_lossy().into_owned(),
            raw: bytes.len() as u64,
            gzip: gzip(&bytes)?,
            brotli: brotli(&bytes)?,
        });
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(files)
}

fn gzip(bytes: &[u8]) -> Result<u64, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len() as u64)
}

fn brotli(bytes: &[u8]) -> Result<u64, String> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out.len() as u64)
}
