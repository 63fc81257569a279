//! PDFs shown as images: the first page of a PDF, rendered on the server by `hayro` (a
//! PDF renderer in safe Rust), for the app's viewer and for thumbnails. The app has no
//! PDF renderer of its own: pdf.js needs a worker and, for some fonts, `eval`, which the
//! app's CSP forbids, and the browser's viewer does not run in a sandboxed download.
//!
//! A PDF is untrusted input to a large parser, so it is never parsed in the server's
//! process: each render is a child process (`huddle-server render-pdf <side>`, this same
//! executable) that limits itself to [`MEMORY`] bytes of address space and [`CPU_SECS`]
//! seconds of CPU before reading the file from its standard input, writes a PNG to its
//! standard output, and is killed after [`WALL`] whatever it is doing. A render that
//! fails, for any reason, is a refusal like a thumbnail's.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// The largest PDF rendered.
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;
/// Address space a render may take.
pub const MEMORY: u64 = 1536 * 1024 * 1024;
/// CPU time a render may take.
pub const CPU_SECS: u64 = 20;
/// Time a render may take, waiting included.
pub const WALL: Duration = Duration::from_secs(30);
/// The largest PNG a render may answer.
const MAX_OUTPUT: usize = 32 * 1024 * 1024;

/// `huddle-server render-pdf <side>`: the child's work (see the module's docs).
pub fn child_main(side: Option<&str>) -> ExitCode {
    let Some(side) = side
        .and_then(|s| s.parse::<u32>().ok())
        .filter(|s| (16..=4096).contains(s))
    else {
        eprintln!("usage: huddle-server render-pdf <longest side in pixels, 16 to 4096>");
        return ExitCode::from(2);
    };
    if let Err(e) = limit_self() {
        eprintln!("render-pdf: cannot limit itself: {e}");
        return ExitCode::from(3);
    }
    let mut bytes = Vec::new();
    let read = std::io::stdin().take(MAX_INPUT + 1).read_to_end(&mut bytes);
    if read.is_err() || bytes.len() as u64 > MAX_INPUT {
        eprintln!("render-pdf: no PDF of at most {MAX_INPUT} bytes on standard input");
        return ExitCode::from(4);
    }
    match first_page(bytes, side) {
        Ok(png) => match std::io::stdout().write_all(&png) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(5),
        },
        Err(e) => {
            eprintln!("render-pdf: {e}");
            ExitCode::from(1)
        }
    }
}

/// Caps this process's memory and CPU time (the child's first act).
fn limit_self() -> std::io::Result<()> {
    use rustix::process::{setrlimit, Resource, Rlimit};
    let cap = |n: u64| Rlimit {
        current: Some(n),
        maximum: Some(n),
    };
    setrlimit(Resource::As, cap(MEMORY))?;
    setrlimit(Resource::Cpu, cap(CPU_SECS))?;
    // No core file of someone's document.
    setrlimit(Resource::Core, cap(0))?;
    Ok(())
}

/// The first page of the PDF `bytes` as a PNG whose longer side is `side` pixels.
pub fn first_page(bytes: Vec<u8>, side: u32) -> Result<Vec<u8>, String> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;
    use hayro::{render, PixmapSettings, RenderCache, RenderSettings};

    let pdf = Pdf::new(bytes).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => {
            "the PDF is encrypted or protected by a password".to_owned()
        }
        _ => "not a PDF that can be read".to_owned(),
    })?;
    let pages = pdf.pages();
    let page = pages.first().ok_or("the PDF has no page")?;
    let (w, h) = page.render_dimensions();
    if !(w.is_finite() && h.is_finite()) || w < 1.0 || h < 1.0 {
        return Err("the first page has no size".into());
    }
    let scale = side as f32 / w.max(h);
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    pixmap
        .into_png()
        .map_err(|e| format!("cannot encode the page: {e}"))
}

/// Why a page was not rendered.
#[derive(Debug)]
pub enum Failure {
    /// The file's own fault (unreadable, encrypted, over the limits): kept, not tried
    /// again.
    Refused(String),
    /// The machine's (the renderer could not start, or the wait ran out while it was
    /// busy): tried again on the next request.
    Passing(String),
}

/// Renders the first page of the PDF `bytes` (longer side `side` pixels) in a child
/// process of `program` (see the module's docs).
pub async fn render(program: &Path, bytes: Vec<u8>, side: u32) -> Result<Vec<u8>, Failure> {
    let mut child = tokio::process::Command::new(program)
        .arg("render-pdf")
        .arg(side.to_string())
        // Nothing of the server's settings (database URLs, key files) goes to it.
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            tracing::error!(error = %e, program = %program.display(), "drive: cannot start the PDF renderer");
            Failure::Passing("the PDF renderer cannot start".to_owned())
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let run = async move {
        // A child that stops reading (it refused the file) is not an error here.
        let _ = stdin.write_all(&bytes).await;
        drop(stdin);
        child.wait_with_output().await
    };
    let out = match tokio::time::timeout(WALL, run).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(Failure::Passing(format!("the PDF renderer failed: {e}"))),
        // Dropped, and so killed: maybe only a busy machine, so not kept.
        Err(_) => return Err(Failure::Passing("the PDF took too long to render".into())),
    };
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.trim().trim_start_matches("render-pdf: ");
        return Err(Failure::Refused(if why.is_empty() {
            // Killed by its limits (a signal, no message).
            "the PDF takes too much memory or time to render".to_owned()
        } else {
            why.chars().take(200).collect()
        }));
    }
    if out.stdout.len() > MAX_OUTPUT || !out.stdout.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Failure::Refused(
            "the PDF renderer answered something else than a PNG".into(),
        ));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF (A4 portrait) with a black rectangle on its top half.
    pub fn sample() -> Vec<u8> {
        let content = b"0 0 0 rg 50 421 495 371 re f";
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_owned(),
            format!(
                "<< /Length {} >>\nstream\n{}\nendstream",
                content.len(),
                String::from_utf8_lossy(content)
            ),
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        pdf
    }

    #[test]
    fn the_first_page_renders_at_its_aspect_and_garbage_is_refused() {
        let png = first_page(sample(), 400).expect("a page");
        let img = image::load_from_memory(&png).expect("a PNG").to_rgb8();
        assert_eq!(img.height(), 400);
        assert_eq!(img.width(), (595.0f32 * 400.0 / 842.0) as u32);
        // The rectangle is on the top half, black; the bottom is the page's white.
        assert_eq!(img.get_pixel(img.width() / 2, 100).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(img.width() / 2, 380).0, [255, 255, 255]);
        assert!(first_page(b"%PDF-1.4 nothing".to_vec(), 400).is_err());
        assert!(first_page(Vec::new(), 400).is_err());
    }
}
