//! Inline SVG charts for `runbook.html`: drawn here as plain strings so the HTML file needs
//! no script, font or image from anywhere. Coordinates are rounded to one decimal, so the
//! same figures always give the same bytes.

use std::fmt::Write as _;

use super::text::html_escape;

const WIDTH: f64 = 960.0;
const PALETTE: &[&str] = &[
    "#2f6db5", "#d9822b", "#3a9a5b", "#b8434f", "#7a5cb8", "#8c6d3f", "#c45fa0", "#5f7f8f",
];
/// Colour for the "unattributed" bar and estimated months.
const GREY: &str = "#9aa3ad";

/// One bar of a horizontal bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Text printed after the bar.
    pub value_text: String,
    pub muted: bool,
}

/// A horizontal bar chart, one row per bar, in the order given.
pub fn horizontal_bars(title: &str, bars: &[Bar]) -> String {
    let label_w = 170.0;
    let value_w = 150.0;
    let bar_w = WIDTH - label_w - value_w - 20.0;
    let row_h = 28.0;
    let top = 10.0;
    let height = top * 2.0 + row_h * bars.len() as f64;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let mut svg = open_svg(title, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let len = if max > 0.0 {
            (bar.value / max * bar_w).max(0.0)
        } else {
            0.0
        };
        let colour = if bar.muted { GREY } else { PALETTE[i % PALETTE.len()] };
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="label">{label}</text><rect x="{bx}" y="{ry}" width="{len}" height="{h}" fill="{colour}"><title>{label}: {value}</title></rect><text x="{vx}" y="{ty}" class="value">{value}</text>"#,
            lx = fmt(label_w - 8.0),
            ty = fmt(y + row_h * 0.62),
            label = html_escape(&bar.label),
            bx = fmt(label_w),
            ry = fmt(y + 4.0),
            len = fmt(len),
            h = fmt(row_h - 8.0),
            vx = fmt(label_w + len + 6.0),
            value = html_escape(&bar.value_text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One column of the monthly chart.
pub struct Column {
    /// `YYYY-MM`.
    pub label: String,
    pub value: f64,
    pub value_text: String,
    /// Drawn in grey (for example the running month, still an estimate).
    pub muted: bool,
}

/// A column chart with a value axis, for a time series.
pub fn columns(title: &str, cols: &[Column], axis_text: impl Fn(f64) -> String) -> String {
    let height = 300.0;
    let left = 90.0;
    let right = 10.0;
    let top = 14.0;
    let bottom = 56.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = nice_ceiling(cols.iter().map(|c| c.value).fold(0.0_f64, f64::max));
    let mut svg = open_svg(title, height);
    for step in 0..=4 {
        let value = max * step as f64 / 4.0;
        let y = top + plot_h - plot_h * step as f64 / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" class="grid"/><text x="{tx}" y="{ty}" text-anchor="end" class="axis">{text}</text>"#,
            l = fmt(left),
            r = fmt(WIDTH - right),
            y = fmt(y),
            tx = fmt(left - 6.0),
            ty = fmt(y + 4.0),
            text = html_escape(&axis_text(value)),
        );
    }
    let slot = plot_w / cols.len().max(1) as f64;
    let label_every = cols.len().div_ceil(10).max(1);
    for (i, col) in cols.iter().enumerate() {
        let h = if max > 0.0 {
            (col.value / max * plot_h).max(0.0)
        } else {
            0.0
        };
        let x = left + slot * i as f64 + slot * 0.15;
        let colour = if col.muted { GREY } else { PALETTE[0] };
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"><title>{label}: {value}</title></rect>"#,
            x = fmt(x),
            y = fmt(top + plot_h - h),
            w = fmt(slot * 0.7),
            h = fmt(h),
            label = html_escape(&col.label),
            value = html_escape(&col.value_text),
        );
        if i % label_every == 0 || i + 1 == cols.len() {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{y}" text-anchor="middle" class="axis">{label}</text>"#,
                x = fmt(left + slot * (i as f64 + 0.5)),
                y = fmt(top + plot_h + 18.0),
                label = html_escape(&col.label),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn open_svg(title: &str, height: f64) -> String {
    format!(
        r#"<svg role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>"#,
        w = fmt(WIDTH),
        h = fmt(height),
        t = html_escape(title),
    )
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `value`, so the axis reads
/// in round numbers.
fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if factor * magnitude >= value {
            return factor * magnitude;
        }
    }
    10.0 * magnitude
}

/// One decimal, without a trailing `.0`, so the SVG stays compact and stable.
fn fmt(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_labels() {
        let svg = horizontal_bars(
            "t",
            &[
                Bar {
                    label: "dev<1>".into(),
                    value: 10.0,
                    value_text: "10".into(),
                    muted: false,
                },
                Bar {
                    label: "prod".into(),
                    value: 5.0,
                    value_text: "5".into(),
                    muted: true,
                },
            ],
        );
        assert!(svg.contains("dev&lt;1&gt;"));
        assert!(svg.contains(r#"width="620""#), "{svg}");
        assert!(svg.contains(r#"width="310""#), "{svg}");
        assert!(svg.contains(GREY));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn zero_values_draw_empty_bars_instead_of_dividing_by_zero() {
        let svg = horizontal_bars(
            "t",
            &[Bar {
                label: "a".into(),
                value: 0.0,
                value_text: "0".into(),
                muted: false,
            }],
        );
        assert!(svg.contains(r#"width="0""#));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn axis_ceiling_is_a_round_number() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(1234.0), 2000.0);
        assert_eq!(nice_ceiling(2100.0), 2500.0);
        assert_eq!(nice_ceiling(50.0), 50.0);
    }

    #[test]
    fn columns_label_at_most_about_ten_months() {
        let cols: Vec<Column> = (1..=36)
            .map(|i| Column {
                label: format!("m{i:02}"),
                value: i as f64,
                value_text: i.to_string(),
                muted: false,
            })
            .collect();
        let svg = columns("t", &cols, |v| format!("{v}"));
        let labels = svg.matches(r#"text-anchor="middle""#).count();
        assert!((8..=11).contains(&labels), "{labels}");
    }
}
