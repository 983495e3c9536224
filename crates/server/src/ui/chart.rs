//! Charts drawn on the server as SVG. Text is SVG text, so the browser renders Chinese with its
//! own fonts; every chart has a title and a description for screen readers, and the numbers are
//! also printed on the bars.

use maud::{Markup, html};

/// One bar: label, value, CSS class for its colour.
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub class: &'static str,
    pub href: Option<String>,
}

/// Horizontal bars, one row per item.
pub fn hbars(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let row = 30.0;
    let label_w = 150.0;
    let bar_w = 300.0;
    let h = (bars.len().max(1) as f64) * row + 10.0;
    let w = label_w + bar_w + 60.0;
    let desc: Vec<String> = bars.iter().map(|b| format!("{}{}件", b.label, b.value)).collect();
    html! {
        svg id=(id) class="chart" width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) role="img" aria-labelledby=(format!("{id}-t {id}-d")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-t")) { (title) }
            desc id=(format!("{id}-d")) { (desc.join("，")) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = i as f64 * row + 5.0;
                @let len = (b.value as f64 / max * bar_w).max(if b.value > 0 { 2.0 } else { 0.0 });
                g {
                    text x=(label_w - 8.0) y=(y + row * 0.62) text-anchor="end" class="lbl" { (b.label) }
                    @if let Some(href) = &b.href {
                        a href=(href) {
                            rect x=(label_w) y=(y + 4.0) width=(format!("{len:.1}")) height=(row - 10.0) rx="3" class=(b.class) {}
                        }
                    } @else {
                        rect x=(label_w) y=(y + 4.0) width=(format!("{len:.1}")) height=(row - 10.0) rx="3" class=(b.class) {}
                    }
                    text x=(label_w + len + 6.0) y=(y + row * 0.62) class="val" { (b.value) }
                }
            }
        }
    }
}

/// Vertical columns (e.g. deadlines by day), with an axis line.
pub fn columns(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let col = 56.0;
    let plot_h = 150.0;
    let w = bars.len().max(1) as f64 * col + 20.0;
    let h = plot_h + 60.0;
    let base = plot_h + 20.0;
    let desc: Vec<String> = bars.iter().map(|b| format!("{}{}项", b.label, b.value)).collect();
    html! {
        svg id=(id) class="chart" width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) role="img" aria-labelledby=(format!("{id}-t {id}-d")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-t")) { (title) }
            desc id=(format!("{id}-d")) { (desc.join("，")) }
            line x1="10" x2=(w - 10.0) y1=(base) y2=(base) class="axis" {}
            @for (i, b) in bars.iter().enumerate() {
                @let x = 10.0 + i as f64 * col;
                @let len = b.value as f64 / max * plot_h;
                rect x=(x + 10.0) y=(format!("{:.1}", base - len)) width=(col - 20.0) height=(format!("{len:.1}")) rx="3" class=(b.class) {}
                text x=(x + col / 2.0) y=(format!("{:.1}", base - len - 5.0)) text-anchor="middle" class="val" { (b.value) }
                text x=(x + col / 2.0) y=(base + 18.0) text-anchor="middle" class="lbl" { (b.label) }
            }
        }
    }
}

/// A one-number tile.
pub fn tile(label: &str, value: impl std::fmt::Display, class: &str, href: &str) -> Markup {
    html! {
        a class=(format!("tile {class}")) href=(href) {
            span class="tile-num" { (value) }
            span class="tile-lbl" { (label) }
        }
    }
}
