//! Line charts with error bars as SVG and PNG (plotters). PNG text uses the
//! Ubuntu Light font shipped as bytes by the `epaint_default_fonts` crate
//! (Ubuntu Font Licence 1.0), registered once with plotters' ab_glyph
//! backend, so charts render on machines without system fonts.

use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// Solid line.
    Line,
    /// Dashed line.
    Dashed,
    /// Markers (with the series' error bars, if any).
    Points,
}

/// One series of a chart.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label (empty: no legend entry).
    pub label: String,
    /// Index into the palette.
    pub color: usize,
    /// Drawing style.
    pub kind: SeriesKind,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Vertical error bars (x, low, high), drawn for `Points` series.
    pub errors: Vec<(f64, f64, f64)>,
}

/// A chart: axes, ranges and series.
#[derive(Clone, Debug)]
pub struct Chart {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// X range.
    pub x_range: (f64, f64),
    /// Y range.
    pub y_range: (f64, f64),
    /// Series, drawn in order.
    pub series: Vec<Series>,
    /// Legend corner.
    pub legend: SeriesLabelPosition,
    /// Integer tick labels on the x axis.
    pub integer_x: bool,
}

/// Tableau 10.
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// Palette color `i` (cycles).
pub fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

static FONTS: Once = Once::new();

/// Registers the embedded font as "sans-serif" (idempotent).
pub fn register_fonts() {
    FONTS.call_once(|| {
        let bytes = epaint_default_fonts::UBUNTU_LIGHT;
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            // The bytes are a valid TTF shipped by the crate; failure would be a build defect.
            let _ = plotters::style::register_font("sans-serif", style, bytes);
        }
    });
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    c: &Chart,
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&c.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .build_cartesian_2d(c.x_range.0..c.x_range.1, c.y_range.0..c.y_range.1)
        .map_err(e)?;
    let int_fmt = |x: &f64| format!("{x:.0}");
    let float_fmt = |x: &f64| format!("{x}");
    let xf: &dyn Fn(&f64) -> String = if c.integer_x { &int_fmt } else { &float_fmt };
    let yf = |y: &f64| format!("{y:.1}");
    chart
        .configure_mesh()
        .x_label_formatter(xf)
        .y_label_formatter(&yf)
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .light_line_style(RGBColor(245, 245, 245))
        .draw()
        .map_err(e)?;
    for s in &c.series {
        let col = color(s.color);
        let style = ShapeStyle::from(&col).stroke_width(2);
        let anno = match s.kind {
            SeriesKind::Line => chart
                .draw_series(LineSeries::new(s.points.clone(), style))
                .map_err(e)?,
            SeriesKind::Dashed => chart
                .draw_series(DashedLineSeries::new(s.points.clone(), 6, 4, style))
                .map_err(e)?,
            SeriesKind::Points => {
                // Vertical bar with small caps (caps 1.5% of the x range wide).
                let cap = 0.015 * (c.x_range.1 - c.x_range.0);
                chart
                    .draw_series(s.errors.iter().flat_map(|&(x, lo, hi)| {
                        [
                            PathElement::new(vec![(x, lo), (x, hi)], col.stroke_width(1)),
                            PathElement::new(
                                vec![(x - cap, lo), (x + cap, lo)],
                                col.stroke_width(1),
                            ),
                            PathElement::new(
                                vec![(x - cap, hi), (x + cap, hi)],
                                col.stroke_width(1),
                            ),
                        ]
                    }))
                    .map_err(e)?;
                chart
                    .draw_series(s.points.iter().map(|&p| Circle::new(p, 4, col.filled())))
                    .map_err(e)?
            }
        };
        if !s.label.is_empty() {
            let kind = s.kind;
            anno.label(s.label.clone())
                .legend(move |(x, y)| match kind {
                    SeriesKind::Points => Circle::new((x + 10, y), 4, col.filled()).into_dyn(),
                    // A paler short line stands for a dashed one (labels say "dashed").
                    SeriesKind::Dashed => {
                        PathElement::new(vec![(x, y), (x + 20, y)], col.mix(0.45).stroke_width(2))
                            .into_dyn()
                    }
                    SeriesKind::Line => {
                        PathElement::new(vec![(x, y), (x + 20, y)], col.stroke_width(2)).into_dyn()
                    }
                });
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font(("sans-serif", 14))
        .position(c.legend.clone())
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Writes `dir/stem.svg` and `dir/stem.png` (900 x 600); returns both paths.
pub fn write_chart(c: &Chart, dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    register_fonts();
    let svg = dir.join(format!("{stem}.svg"));
    let png = dir.join(format!("{stem}.png"));
    let size = (900, 600);
    draw(SVGBackend::new(&svg, size).into_drawing_area(), c).map_err(|m| Error::Io {
        path: svg.display().to_string(),
        message: m,
    })?;
    draw(BitMapBackend::new(&png, size).into_drawing_area(), c).map_err(|m| Error::Io {
        path: png.display().to_string(),
        message: m,
    })?;
    Ok(vec![svg, png])
}
