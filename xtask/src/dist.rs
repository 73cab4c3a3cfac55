//! What the release build does to Trunk's `dist/` before it is served: one
//! stylesheet instead of one per concern, and every file stored compressed
//! beside itself (`.br`, `.gz`) for the server to send as is.
//!
//! One stylesheet: the style sources stay one file per concern, but a cold
//! load over HTTP/1.1 has six connections per origin, and a dozen
//! stylesheets queued the wasm and `config.json` behind them.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha2::{Digest, Sha384};

/// Bundles the stylesheets and writes the compressed copies.
pub fn finish(dist: &Path) -> Result<(), String> {
    bundle_styles(dist)?;
    precompress(dist)
}

/// Replaces every `<link rel="stylesheet">` Trunk wrote with one link to
/// their concatenation (in document order, so the cascade is unchanged),
/// named by its content's hash and with its integrity hash.
fn bundle_styles(dist: &Path) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let html = read_string(&index_path)?;
    let mut bundle = String::new();
    let mut sheets = Vec::new();
    let mut lines = Vec::new();
    let mut first_sheet_line = None;
    // Trunk writes each stylesheet link on a line of its own.
    for line in html.split_inclusive('\n') {
        let tag = line.trim();
        if !tag.starts_with("<link rel=\"stylesheet\"") {
            lines.push(line.to_string());
            continue;
        }
        if !tag.ends_with('>') || tag.matches('<').count() != 1 {
            return Err(format!(
                "index.html: a stylesheet link shares its line: {tag}"
            ));
        }
        let href = attribute(tag, "href").ok_or("stylesheet without href")?;
        let file = dist.join(href.trim_start_matches('/'));
        bundle.push_str(&read_string(&file)?);
        bundle.push('\n');
        sheets.push(file);
        first_sheet_line.get_or_insert(lines.len());
    }
    let Some(at) = first_sheet_line else {
        return Ok(());
    };
    let digest = Sha384::digest(bundle.as_bytes());
    let name = format!("app-{}.css", hex(&digest[..8]));
    lines.insert(
        at,
        format!(
            "    <link rel=\"stylesheet\" href=\"/{name}\" integrity=\"sha384-{}\"/>\n",
            BASE64.encode(digest)
        ),
    );
    write(&dist.join(&name), bundle.as_bytes())?;
    for sheet in sheets {
        std::fs::remove_file(&sheet).map_err(|e| format!("remove {}: {e}", sheet.display()))?;
    }
    write(&index_path, lines.concat().as_bytes())
}

/// `name="value"` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[from..].find('"')?;
    Some(&tag[from..from + len])
}

/// Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside every
/// file worth compressing; `index.html` is left to the server, which serves
/// it from memory, and `config.json` to whoever deploys the app: they edit
/// it, and a stale copy would be sent instead of their edit.
fn precompress(dist: &Path) -> Result<(), String> {
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

fn read_string(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_become_one_sheet_in_document_order() {
        let dist = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("a-1.css"), "a{}").unwrap();
        std::fs::write(dist.join("b-2.css"), "b{}").unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<head>\n    <script>x</script>\n    <link rel=\"stylesheet\" href=\"/a-1.css\" integrity=\"sha384-q\"/>\n    \
             <link rel=\"stylesheet\" href=\"/b-2.css\" integrity=\"sha384-r\"/>\n<link rel=\"modulepreload\" href=\"/x.js\">\n</head>",
        )
        .unwrap();
        finish(&dist).unwrap();
        let html = std::fs::read_to_string(dist.join("index.html")).unwrap();
        let href = attribute(&html[html.find("<link").unwrap()..], "href").unwrap();
        let bundle = std::fs::read_to_string(dist.join(href.trim_start_matches('/'))).unwrap();
        assert_eq!(bundle, "a{}\nb{}\n");
        assert_eq!(html.matches("rel=\"stylesheet\"").count(), 1, "{html}");
        assert!(html.contains(&format!(
            "integrity=\"sha384-{}\"",
            BASE64.encode(Sha384::digest(bundle.as_bytes()))
        )));
        assert!(!dist.join("a-1.css").exists() && !dist.join("b-2.css").exists());
        assert!(
            html.contains("<script>x</script>\n    <link rel=\"stylesheet\""),
            "{html}"
        );
        assert!(dist.join(format!("{}.br", &href[1..])).exists());
        assert!(dist.join(format!("{}.gz", &href[1..])).exists());
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
