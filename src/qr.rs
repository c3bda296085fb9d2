//! QR codes for links that are scanned rather than typed: the check-in
//! link on a person's page and in their confirmation email, and the
//! verification address on a certificate. Drawn by the `qrcode` crate; the
//! same modules become SVG for pages, a PNG for emails (mail clients show
//! no SVG) and rectangles on a PDF.

use qrcode::{Color, EcLevel, QrCode};

/// Quiet zone around the code, in modules: what scanners need (ISO/IEC
/// 18004 asks for four).
pub const QUIET: usize = 4;

/// The code's modules, row by row, `true` for dark, and its width (quiet
/// zone not included). Medium error correction: a printed code survives a
/// crease. `None` for text too long for a QR code (no link of ours is).
pub fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some((code.width(), code.to_colors().into_iter().map(|c| c == Color::Dark).collect()))
}

/// An SVG image of the code, `size` pixels square at least, to inline in a
/// page. The crate writes only rectangles and colours, nothing of `text`.
pub fn svg(text: &str, size: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(size, size)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// A greyscale PNG of the code, `scale` pixels a module, with its quiet
/// zone.
pub fn png(text: &str, scale: usize) -> Option<Vec<u8>> {
    let (width, dark) = modules(text)?;
    let side = (width + 2 * QUIET) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, _) in dark.iter().enumerate().filter(|(_, dark)| **dark) {
        let (x, y) = ((i % width + QUIET) * scale, (i / width + QUIET) * scale);
        for row in y..y + scale {
            pixels[row * side + x..row * side + x + scale].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, u32::try_from(side).ok()?, u32::try_from(side).ok()?);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_square_of_modules() {
        let (width, dark) = modules("https://atelier.example/admin/events/x/check-in?code=K7QM-R2XD").expect("fits");
        assert_eq!(dark.len(), width * width);
        // The finder pattern: the top-left corner is dark.
        assert!(dark[0]);
        assert!(svg("https://atelier.example/verify/abc", 160).expect("svg").starts_with("<?xml"));
    }

    #[test]
    fn the_png_decodes_to_the_same_modules() {
        let text = "https://atelier.example/verify/0123456789abcdef01234567";
        let (width, dark) = modules(text).expect("fits");
        let bytes = png(text, 3).expect("png");
        let decoder = png::Decoder::new(bytes.as_slice());
        let mut reader = decoder.read_info().expect("a png");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        let side = (width + 2 * QUIET) * 3;
        assert_eq!((info.width as usize, info.height as usize), (side, side));
        for (i, dark) in dark.iter().enumerate() {
            let (x, y) = ((i % width + QUIET) * 3 + 1, (i / width + QUIET) * 3 + 1);
            assert_eq!(pixels[y * side + x] == 0, *dark, "module {i}");
        }
    }
}
