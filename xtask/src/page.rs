//! `dist/index.html` from the source `index.html`, whose `data-trunk` links
//! say what the page needs (they keep working for `trunk serve`):
//!
//! - `rel="rust"`: the app's JavaScript and wasm, preloaded with their
//!   integrity hashes, and the module script that starts them;
//! - `rel="css"`: every stylesheet in document order, bundled into one file
//!   named by its hash (a cold load over HTTP/1.1 has six connections per
//!   origin, and a dozen stylesheets queued the wasm behind them);
//! - `rel="icon"`: the icon, named by its hash;
//! - `rel="copy-file"`: the file, copied as is (`config.json`, which
//!   whoever deploys the app edits).
//!
//! Everything else, the inline script that asks for the first view's data
//! among it, is kept as written.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha2::{Digest, Sha384};

use crate::app_build::AppFiles;
use crate::dist::{hex, read_string, write};

/// Writes `dist/index.html` (and the stylesheet bundle, the icon and the
/// copied files) from `source` (the repository's `index.html`).
pub fn write_page(source: &Path, dist: &Path, app: &AppFiles) -> Result<(), String> {
    let base = source.parent().ok_or("index.html has no folder")?;
    let html = read_string(source)?;
    let mut out = String::new();
    let mut bundle = String::new();
    let mut bundle_at = None;
    // Both the early compile and the start script's fallback fetch check it.
    let wasm_integrity = integrity(dist, &app.wasm)?;
    for line in html.split_inclusive('\n') {
        let tag = line.trim();
        if !tag.starts_with("<link data-trunk") {
            if tag == "</head>" {
                out.push_str(&start_script(app, &wasm_integrity));
            }
            out.push_str(line);
            continue;
        }
        if !tag.ends_with('>') || tag.matches('<').count() != 1 {
            return Err(format!(
                "index.html: a data-trunk link shares its line: {tag}"
            ));
        }
        let rel = attribute(tag, "rel").ok_or_else(|| format!("no rel in {tag}"))?;
        match rel {
            "rust" => out.push_str(&preloads(dist, app, &wasm_integrity)?),
            "css" => {
                let href = attribute(tag, "href").ok_or_else(|| format!("no href in {tag}"))?;
                bundle.push_str(&read_string(&base.join(href))?);
                bundle.push('\n');
                bundle_at.get_or_insert(out.len());
            }
            "icon" => {
                let href = attribute(tag, "href").ok_or_else(|| format!("no href in {tag}"))?;
                let (name, integrity) = hashed_copy(&base.join(href), dist)?;
                let kind = attribute(tag, "type").unwrap_or("image/svg+xml");
                out.push_str(&format!(
                    "    <link rel=\"icon\" href=\"/{name}\" type=\"{kind}\" integrity=\"{integrity}\">\n"
                ));
            }
            "copy-file" => {
                let href = attribute(tag, "href").ok_or_else(|| format!("no href in {tag}"))?;
                let from = base.join(href);
                let name = from
                    .file_name()
                    .ok_or_else(|| format!("no file in {tag}"))?;
                std::fs::copy(&from, dist.join(name))
                    .map_err(|e| format!("copy {}: {e}", from.display()))?;
            }
            other => {
                return Err(format!(
                    "index.html: data-trunk rel=\"{other}\" is not handled"
                ))
            }
        }
    }
    if let Some(at) = bundle_at {
        let (name, integrity) = hashed_write("app", "css", bundle.as_bytes(), dist)?;
        out.insert_str(
            at,
            &format!("    <link rel=\"stylesheet\" href=\"/{name}\" integrity=\"{integrity}\">\n"),
        );
    }
    write(&dist.join("index.html"), out.as_bytes())
}

/// The app's JavaScript (its module and the chunks' loader it imports)
/// and main wasm, asked for at once by the preload scanner; then the
/// script that compiles the wasm as it arrives (see [`COMPILE_EARLY`]).
fn preloads(dist: &Path, app: &AppFiles, wasm_integrity: &str) -> Result<String, String> {
    // The wasm first: it is the largest file, and the rows wait for it.
    // (No `integrity` on the preload: Chromium ignores it there, with a
    // warning; the script's fetch below carries it and checks the bytes.)
    let mut links = format!(
        "    <link rel=\"preload\" href=\"{}\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\">\n",
        app.wasm,
    );
    for script in [&app.script, &app.loader] {
        links.push_str(&format!(
            "    <link rel=\"modulepreload\" href=\"{script}\" crossorigin=\"anonymous\" integrity=\"{}\">\n",
            integrity(dist, script)?
        ));
    }
    links.push_str(&format!(
        "    <script>{}</script>\n",
        COMPILE_EARLY
            .replace("WASM", &app.wasm)
            .replace("INTEGRITY", wasm_integrity)
    ));
    Ok(links)
}

/// Compiles the main wasm while the app's JavaScript still travels (the
/// module script runs only once that has arrived, and wasm-bindgen's start
/// would only then begin compiling): the start script hands the compiled
/// module over. The fetch checks the wasm's integrity, so a changed file
/// never runs (the browser reads it whole before compiling begins: no
/// slower beyond the cold-start harness's noise, see the README). When
/// compiling here fails, the start script gets a new fetch of it (with the
/// same check), which wasm-bindgen reads and reports as it always would. A
/// classic script before the stylesheet, so no stylesheet holds it up; the
/// server allows it by its hash, as every inline script.
const COMPILE_EARLY: &str = "(function () {\
    var wasm = function () { return fetch(\"WASM\", { integrity: \"INTEGRITY\" }); };\
    window.usersConsoleWasm = WebAssembly.compileStreaming(wasm()).catch(wasm); })();";

/// Starts the app with the module compiled early, else (the early script
/// did not run) fetched here with the same integrity check. When the app
/// cannot start (its files did not arrive, or are not the ones built) the
/// page says so instead of staying blank.
fn start_script(app: &AppFiles, wasm_integrity: &str) -> String {
    format!(
        "    <script type=\"module\">try {{ const app = await import('{}'); \
         await app.default({{ module_or_path: await (window.usersConsoleWasm \
         || fetch('{}', {{ integrity: '{wasm_integrity}' }})) }}); }} \
         catch (error) {{ {NOT_STARTED} throw error; }}</script>\n",
        app.script, app.wasm
    )
}

/// What the page shows when the app could not start: text only, made with
/// the DOM (the CSP allows no inline style, and nothing here is data).
const NOT_STARTED: &str = "const main = document.createElement('main'); main.className = 'page'; \
    const heading = document.createElement('h1'); heading.textContent = 'Users console'; \
    const alert = document.createElement('p'); alert.className = 'error-view'; \
    alert.setAttribute('role', 'alert'); \
    alert.textContent = 'The console could not be loaded. Check your connection and reload the page.'; \
    main.append(heading, alert); document.body.replaceChildren(main);";

/// The `integrity` value of the file at `href` in `dist`.
fn integrity(dist: &Path, href: &str) -> Result<String, String> {
    let path = dist.join(href.trim_start_matches('/'));
    let bytes = std::fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
    Ok(sri(&Sha384::digest(&bytes)))
}

/// Copies `from` into `dist` named by its hash; its name and integrity.
fn hashed_copy(from: &Path, dist: &Path) -> Result<(String, String), String> {
    let bytes = std::fs::read(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    let stem = from.file_stem().and_then(|s| s.to_str()).unwrap_or("file");
    let ext = from.extension().and_then(|s| s.to_str()).unwrap_or("bin");
    hashed_write(stem, ext, &bytes, dist)
}

/// Writes `bytes` into `dist` as `<stem>-<hash>.<ext>`; its name and integrity.
fn hashed_write(
    stem: &str,
    ext: &str,
    bytes: &[u8],
    dist: &Path,
) -> Result<(String, String), String> {
    let digest = Sha384::digest(bytes);
    let name = format!("{stem}-{}.{ext}", hex(&digest[..8]));
    write(&dist.join(&name), bytes)?;
    Ok((name, sri(&digest)))
}

/// `sha384-<base64>`, a subresource integrity value.
fn sri(digest: &[u8]) -> String {
    format!("sha384-{}", BASE64.encode(digest))
}

/// `name="value"` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[from..].find('"')?;
    Some(&tag[from..from + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_links_the_bundle_the_app_and_the_copies() {
        let dir = std::env::temp_dir().join(format!("xtask-page-{}", std::process::id()));
        let (src, dist) = (dir.join("src"), dir.join("dist"));
        std::fs::create_dir_all(src.join("style")).unwrap();
        std::fs::create_dir_all(src.join("public")).unwrap();
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(src.join("style/a.css"), "a{}").unwrap();
        std::fs::write(src.join("style/b.css"), "b{}").unwrap();
        std::fs::write(src.join("public/config.json"), "{}").unwrap();
        std::fs::write(src.join("public/icon.svg"), "<svg/>").unwrap();
        std::fs::write(dist.join("app-1.js"), "js").unwrap();
        std::fs::write(dist.join("app-1_bg.wasm"), "wasm").unwrap();
        std::fs::write(dist.join("split-1.js"), "loader").unwrap();
        std::fs::write(
            src.join("index.html"),
            "<head>\n    <script>x</script>\n    <link data-trunk rel=\"icon\" href=\"public/icon.svg\" type=\"image/svg+xml\">\n    \
             <link data-trunk rel=\"rust\" data-bin=\"app\">\n    <link data-trunk rel=\"css\" href=\"style/a.css\">\n    \
             <link data-trunk rel=\"css\" href=\"style/b.css\">\n    <link data-trunk rel=\"copy-file\" href=\"public/config.json\">\n</head>\n",
        )
        .unwrap();
        let app = AppFiles {
            script: "/app-1.js".into(),
            wasm: "/app-1_bg.wasm".into(),
            loader: "/split-1.js".into(),
        };
        write_page(&src.join("index.html"), &dist, &app).unwrap();
        let html = std::fs::read_to_string(dist.join("index.html")).unwrap();

        assert!(!html.contains("data-trunk"), "{html}");
        assert!(
            html.starts_with("<head>\n    <script>x</script>\n"),
            "{html}"
        );
        let sheet = &html[html.find("rel=\"stylesheet\"").unwrap()..];
        let href = attribute(sheet, "href").unwrap();
        let bundle = std::fs::read_to_string(dist.join(&href[1..])).unwrap();
        assert_eq!(bundle, "a{}\nb{}\n");
        assert_eq!(html.matches("rel=\"stylesheet\"").count(), 1, "{html}");
        assert!(html.contains(&format!(
            "integrity=\"sha384-{}\"",
            BASE64.encode(Sha384::digest(b"js"))
        )));
        assert!(html.contains("<link rel=\"modulepreload\" href=\"/app-1.js\""));
        assert!(html.contains("<link rel=\"modulepreload\" href=\"/split-1.js\""));
        assert!(html.contains("<link rel=\"preload\" href=\"/app-1_bg.wasm\""));
        assert!(
            html.find("/app-1_bg.wasm") < html.find("/app-1.js"),
            "the largest file is asked for first: {html}"
        );
        let wasm_integrity = format!("sha384-{}", BASE64.encode(Sha384::digest(b"wasm")));
        assert!(html.contains(&format!(
            "<script>(function () {{\
             var wasm = function () {{ return fetch(\"/app-1_bg.wasm\", {{ integrity: \"{wasm_integrity}\" }}); }};\
             window.usersConsoleWasm = WebAssembly.compileStreaming(wasm()).catch(wasm); }})();</script>\n"
        )));
        assert!(
            !html.contains("as=\"fetch\" type=\"application/wasm\" integrity")
                && !html.contains(&format!("integrity=\"{wasm_integrity}\"")),
            "no integrity on the wasm's preload, which Chromium ignores: {html}"
        );
        assert!(
            html.find("usersConsoleWasm =") < html.find("rel=\"stylesheet\""),
            "the compile starts before the stylesheet can hold scripts up: {html}"
        );
        assert!(html.contains(&format!(
            "<script type=\"module\">try {{ const app = await import('/app-1.js'); \
             await app.default({{ module_or_path: await (window.usersConsoleWasm \
             || fetch('/app-1_bg.wasm', {{ integrity: '{wasm_integrity}' }})) }}); }} \
             catch (error) {{ const main = document.createElement('main');"
        )));
        assert!(html.contains("replaceChildren(main); throw error; }</script>\n</head>"));
        let icon = &html[html.find("rel=\"icon\"").unwrap()..];
        let icon = attribute(icon, "href").unwrap();
        assert_eq!(
            std::fs::read_to_string(dist.join(&icon[1..])).unwrap(),
            "<svg/>"
        );
        assert_eq!(
            std::fs::read_to_string(dist.join("config.json")).unwrap(),
            "{}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
