//! xterm's 256 colours as RGB, and contrast (WCAG's ratio) between colours, so a theme falls
//! back to 256 colours without losing the contrast its text was chosen for.

use ratatui::style::Color;

/// WCAG AA for text.
pub const READABLE: f64 = 4.5;

/// The RGB of a colour: its own, or an index of the 6×6×6 cube or the 24 greys (the 16 system
/// colours differ by terminal: `None`).
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match c {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i @ 16..=231) => {
            let i = i - 16;
            Some((
                LEVELS[usize::from(i / 36)],
                LEVELS[usize::from(i / 6 % 6)],
                LEVELS[usize::from(i % 6)],
            ))
        }
        Color::Indexed(i @ 232..=255) => {
            let v = 8 + (i - 232) * 10;
            Some((v, v, v))
        }
        _ => None,
    }
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let f = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
}

/// WCAG's contrast ratio (1 to 21); `None` for a colour whose RGB is the terminal's.
pub fn contrast(a: Color, b: Color) -> Option<f64> {
    let (x, y) = (luminance(rgb(a)?), luminance(rgb(b)?));
    Some((x.max(y) + 0.05) / (x.min(y) + 0.05))
}

/// The nearest of the 256 colours to `fg` that keeps the contrast `fg` had against each of
/// its backgrounds (as they fall back too), up to `READABLE`.
pub fn readable_256(fg: Color, backgrounds: &[Color]) -> Color {
    let Some(want) = backgrounds
        .iter()
        .filter_map(|bg| contrast(fg, *bg))
        .reduce(f64::min)
        .map(|c| c.min(READABLE))
    else {
        return super::to_256(fg);
    };
    let Some((r, g, b)) = rgb(fg) else {
        return fg;
    };
    let fallen: Vec<Color> = backgrounds.iter().map(|bg| super::to_256(*bg)).collect();
    let distance = |c: (u8, u8, u8)| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(c.0, r) + d(c.1, g) + d(c.2, b)
    };
    (16..=255u8)
        .map(Color::Indexed)
        .filter(|c| {
            fallen
                .iter()
                .all(|bg| contrast(*c, *bg).is_none_or(|ratio| ratio >= want - 1e-9))
        })
        .min_by_key(|c| rgb(*c).map_or(i32::MAX, distance))
        .unwrap_or_else(|| super::to_256(fg))
}
