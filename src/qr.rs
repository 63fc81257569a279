//! A QR code drawn as SVG nodes (one `<path>`), so that it needs no image, no inline
//! style and no script: the strict CSP holds. Encoded with the `qrcode` crate.

use leptos::prelude::*;
use qrcode::{Color, QrCode};

/// Modules of light margin around the code (the standard's quiet zone).
const QUIET: usize = 4;

/// The path of the dark modules of `data`'s QR code, and its size in modules (margin
/// included); `None` if `data` does not fit in a QR code.
fn path(data: &str) -> Option<(String, usize)> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((d, width + 2 * QUIET))
}

/// `data` as a QR code; `label` names it for screen readers (who need the text form
/// beside it).
#[component]
pub fn QrImage(data: String, label: String) -> impl IntoView {
    path(&data).map(|(d, size)| {
        let view_box = format!("0 0 {size} {size}");
        view! {
            <svg class="qr" role="img" aria-label=label viewBox=view_box
                xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">
                <rect class="qr-light" width=size.to_string() height=size.to_string() />
                <path class="qr-dark" d=d />
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uri_fits_and_is_drawn_with_its_margin() {
        let (d, size) = path(
            "otpauth://totp/Huddle:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Huddle",
        )
        .unwrap();
        assert!(size > 2 * QUIET + 21);
        // The top-left finder pattern starts at the margin.
        assert!(d.starts_with(&format!("M{QUIET} {QUIET}h1v1h-1z")), "{d}");
    }
}
