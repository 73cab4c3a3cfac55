//! The release build's last step: every file of `dist/` stored compressed
//! beside itself (`.br`, `.gz`) for the server to send as is.

use std::io::Write;
use std::path::Path;

/// Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside every
/// file worth compressing; `index.html` is left to the server, which serves
/// it from memory, and `config.json` to whoever deploys the app: they edit
/// it, and a stale copy would be sent instead of their edit.
pub fn precompress(dist: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let compressible = [".css", ".js", ".wasm", ".svg"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !path.is_file() || !compressible {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
        write(&dist.join(format!("{name}.br")), &brotli(&bytes)?)?;
        write(&dist.join(format!("{name}.gz")), &gzip(&bytes)?)?;
    }
    Ok(())
}

/// gzip at its best compression.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

/// Brotli at quality 11 with a 4 MB window.
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

pub fn read_string(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_copies_beside_the_files_but_not_the_edited_ones() {
        let dist = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        let css = "a{color:red}".repeat(50);
        std::fs::write(dist.join("app-1.css"), &css).unwrap();
        std::fs::write(dist.join("config.json"), "{}").unwrap();
        std::fs::write(dist.join("index.html"), "<p>").unwrap();
        precompress(&dist).unwrap();
        let mut unzipped = String::new();
        let gz = std::fs::read(dist.join("app-1.css.gz")).unwrap();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped)
            .unwrap();
        assert_eq!(unzipped, css);
        let mut unbrotli = Vec::new();
        let br = std::fs::read(dist.join("app-1.css.br")).unwrap();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, css.as_bytes());
        assert!(!dist.join("config.json.gz").exists() && !dist.join("index.html.br").exists());
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
