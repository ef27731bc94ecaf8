/// Text width estimates for laying out the HTML report's SVG charts without a renderer.
///
/// Widths are per-character advances as a fraction of the font size, chosen on the wide side of
/// common sans-serif fonts (DejaVu Sans, the widest usual fallback for `system-ui` on Linux, is
/// the reference), so a label sized with them fits in any of those fonts. The headless-Chromium
/// test in GovernanceTests measures the rendered boxes against these layouts.
enum SVGText {
    /// Estimated advance width of `text` at `size` px (`bold` adds 10 %).
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(scalar) }
        return em * size * (bold ? 1.1 : 1.0)
    }

    /// Advance of one character in em.
    static func advance(_ c: Unicode.Scalar) -> Double {
        switch c {
        case "i", "j", "l", ".", ",", ":", ";", "!", "'", "|", "·": return 0.34
        case " ", "f", "t", "r", "I", "(", ")", "[", "]", "/", "\\", "-": return 0.44
        case "m", "w", "M", "W", "@", "%", "…", "—", "→": return 1.02
        case "A"..."Z", "_", "&", "#": return 0.78
        case "0"..."9", "a"..."z", "+", "=", "<", ">", "?", "$", "*", "~", "^", "\"": return 0.66
        default: return c.isASCII ? 0.66 : 1.02
        }
    }
}
