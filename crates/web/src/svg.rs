//! Charts as plain SVG, built here and inlined into pages: no script, no `style`
//! attribute (colours come from `class` and the site's stylesheet, which the
//! Content-Security-Policy allows), and a `<title>`/`<desc>` so a screen reader gets the
//! numbers. Every text in them is escaped.

use std::fmt::Write;

use polmon_feeds::escape_html;

/// A small line of daily counts for a table cell (`values` oldest first), labelled `label`.
pub(crate) fn sparkline(values: &[u64], label: &str) -> String {
    const WIDTH: f64 = 120.0;
    const HEIGHT: f64 = 24.0;
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if values.len() > 1 { WIDTH / (values.len() - 1) as f64 } else { 0.0 };
    let mut points = String::new();
    for (i, v) in values.iter().enumerate() {
        let x = i as f64 * step;
        let y = HEIGHT - 1.0 - (*v as f64 / max) * (HEIGHT - 2.0);
        let _ = write!(points, "{}{x:.1},{y:.1}", if i == 0 { "" } else { " " });
    }
    format!(
        r#"<svg class="sparkline" role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>{}</title><polyline class="line" fill="none" points="{points}"/></svg>"#,
        escape_html(label)
    )
}

/// A bar chart of daily counts (`days` as `(YYYY-MM-DD, count)`, oldest first) with a
/// y axis (0 and the maximum) and an x axis (first, middle and last day).
pub(crate) fn daily_bars(days: &[(String, u64)], title: &str, unit: &str) -> String {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 200.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 24.0;
    const TOP: f64 = 8.0;
    let plot_w = WIDTH - LEFT - 4.0;
    let plot_h = HEIGHT - BOTTOM - TOP;
    let max = days.iter().map(|d| d.1).max().unwrap_or(0);
    let total: u64 = days.iter().map(|d| d.1).sum();
    let scale = max.max(1) as f64;
    let bar_w = if days.is_empty() { 0.0 } else { plot_w / days.len() as f64 };
    let (first, last) = match (days.first(), days.last()) {
        (Some(f), Some(l)) => (f.0.as_str(), l.0.as_str()),
        _ => ("", ""),
    };
    let busiest = days.iter().max_by_key(|d| (d.1, std::cmp::Reverse(d.0.clone())));
    let mut desc = format!("{total} {unit} from {first} to {last}");
    if let Some((day, n)) = busiest.filter(|b| b.1 > 0) {
        let _ = write!(desc, "; the most, {n}, on {day}");
    }
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
        escape_html(title),
        escape_html(&desc)
    );
    let base = TOP + plot_h;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}"/><line class="axis" x1="{LEFT}" y1="{base}" x2="{}" y2="{base}"/>"#,
        LEFT + plot_w
    );
    let _ = write!(
        svg,
        r#"<text class="label" x="{}" y="{}" text-anchor="end">{max}</text><text class="label" x="{}" y="{base}" text-anchor="end">0</text>"#,
        LEFT - 4.0,
        TOP + 10.0,
        LEFT - 4.0
    );
    for (i, (day, n)) in days.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let h = *n as f64 / scale * plot_h;
        let x = LEFT + i as f64 * bar_w;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{x:.2}" y="{:.2}" width="{:.2}" height="{h:.2}"><title>{}: {n}</title></rect>"#,
            base - h,
            (bar_w * 0.85).max(0.5),
            escape_html(day)
        );
    }
    if let Some(mid) = days.get(days.len() / 2).filter(|_| days.len() > 2) {
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{HEIGHT}" text-anchor="middle">{}</text>"#,
            LEFT + (days.len() / 2) as f64 * bar_w,
            escape_html(&mid.0)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="label" x="{LEFT}" y="{HEIGHT}" text-anchor="start">{}</text><text class="label" x="{}" y="{HEIGHT}" text-anchor="end">{}</text></svg>"#,
        escape_html(first),
        LEFT + plot_w,
        escape_html(last)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_maximum_and_escape_the_label() {
        let s = sparkline(&[0, 2, 4], "<b>Macron</b> & co");
        assert!(s.contains("<title>&lt;b&gt;Macron&lt;/b&gt; &amp; co</title>"), "{s}");
        assert!(s.contains(r#"points="0.0,23.0 60.0,12.0 120.0,1.0""#), "{s}");
        assert!(!s.contains("style="));
        assert!(sparkline(&[], "empty").contains(r#"points="""#));
    }

    #[test]
    fn bar_charts_have_axes_labels_a_description_and_one_bar_per_counted_day() {
        let days: Vec<(String, u64)> = [("2024-04-01", 3), ("2024-04-02", 0), ("2024-04-03", 6), ("2024-04-04", 1)]
            .iter()
            .map(|(d, n)| (d.to_string(), *n))
            .collect();
        let s = daily_bars(&days, "Articles per day about \"X\"", "articles");
        assert!(s.contains("<title id=\"chart-title\">Articles per day about &quot;X&quot;</title>"), "{s}");
        assert!(s.contains("<desc id=\"chart-desc\">10 articles from 2024-04-01 to 2024-04-04; the most, 6, on 2024-04-03</desc>"), "{s}");
        assert_eq!(s.matches("<rect ").count(), 3);
        assert!(s.contains(">6</text>") && s.contains(">0</text>"), "y axis from 0 to the maximum");
        assert!(s.contains(">2024-04-01</text>") && s.contains(">2024-04-04</text>"), "x axis labels");
        assert!(!s.contains("style=") && !s.contains("<script"));
        assert!(daily_bars(&[], "t", "articles").ends_with("</svg>"));
    }
}
