//! The HTML runbook's body: the Markdown rendered by pulldown-cmark, made safe and navigable.
//!
//! - Raw HTML in the Markdown (there should be none: every value from the account is escaped)
//!   is shown as text, never passed through. The page loads nothing and links nowhere outside
//!   itself: an image becomes its alt text, and a link keeps its target only when it is an
//!   anchor in the page (`#...`) or a relative path to a file next to it.
//! - Every heading gets an id: a step's heading gets the step id (`#JOIN-accept`), any other
//!   heading a slug of its text (`#5-moves`), unique in the page.
//! - A table row that is a step (a move unit, in its workload's table) gets an empty `<a id>`
//!   anchor in its first cell; step ids in its other cells become links.
//! - The ids after **Depends on:** become links to those steps.
//! - Headings of the first two levels under the title make the table of contents.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream, html};

/// The parts of the page the HTML template lays out.
pub struct Page {
    pub summary: String,
    pub body: String,
    /// The table of contents, a `<nav>` element.
    pub toc: String,
}

/// Renders the summary and the body of the runbook. `step_ids` are the ids of every step, so a
/// step heading gets its id as anchor and a "Depends on" id becomes a link.
pub fn render(summary_md: &str, body_md: &str, step_ids: &BTreeSet<&str>) -> Page {
    let mut anchors = Anchors::default();
    let summary = to_html(summary_md, step_ids, &mut anchors);
    let body = to_html(body_md, step_ids, &mut anchors);
    Page {
        summary,
        body,
        toc: anchors.toc(),
    }
}

/// The Markdown as HTML, without anchors or links to steps (for text that has no steps).
#[cfg(test)]
pub fn markdown_to_html(markdown: &str) -> String {
    to_html(markdown, &BTreeSet::new(), &mut Anchors::default())
}

/// The heading ids given so far, and the headings of the table of contents.
#[derive(Default)]
struct Anchors {
    used: BTreeMap<String, usize>,
    /// (level 2 or 3, id, text), in page order.
    entries: Vec<(HeadingLevel, String, String)>,
}

impl Anchors {
    /// The id of a heading: the step id when the heading starts with one (`PRE-review: ...`),
    /// otherwise a slug of its text; a repeated id gets `-2`, `-3`...
    fn id_for(&mut self, text: &str, step_ids: &BTreeSet<&str>) -> String {
        let step = text
            .split_once(": ")
            .map(|(id, _)| id)
            .filter(|id| step_ids.contains(id));
        let base = match step {
            Some(id) => id.to_owned(),
            None => slug(text),
        };
        let seen = self.used.entry(base.clone()).or_insert(0);
        *seen += 1;
        if *seen == 1 { base } else { format!("{base}-{seen}") }
    }

    /// A nested list of links to the level-2 headings and, under each, its level-3 headings.
    fn toc(&self) -> String {
        let mut events: Vec<Event> = vec![Event::Start(Tag::List(None))];
        let mut open_sub = false;
        for (i, (level, id, text)) in self.entries.iter().enumerate() {
            let link = [
                Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: format!("#{id}").into(),
                    title: CowStr::Borrowed(""),
                    id: CowStr::Borrowed(""),
                }),
                Event::Text(text.clone().into()),
                Event::End(TagEnd::Link),
            ];
            if *level == HeadingLevel::H3 && i > 0 {
                if !open_sub {
                    events.push(Event::Start(Tag::List(None)));
                    open_sub = true;
                }
                events.push(Event::Start(Tag::Item));
                events.extend(link);
                events.push(Event::End(TagEnd::Item));
                continue;
            }
            if open_sub {
                events.push(Event::End(TagEnd::List(false)));
                open_sub = false;
            }
            if i > 0 {
                events.push(Event::End(TagEnd::Item));
            }
            events.push(Event::Start(Tag::Item));
            events.extend(link);
        }
        if open_sub {
            events.push(Event::End(TagEnd::List(false)));
        }
        if !self.entries.is_empty() {
            events.push(Event::End(TagEnd::Item));
        }
        events.push(Event::End(TagEnd::List(false)));
        let mut out = String::from("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n");
        html::push_html(&mut out, events.into_iter());
        out.push_str("</nav>\n");
        out
    }
}

/// Lower-case letters and digits, every other run of characters one `-`: `5. Moves` -> `5-moves`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn to_html(markdown: &str, step_ids: &BTreeSet<&str>, anchors: &mut Anchors) -> String {
    let events = safe_events(markdown);
    let events = with_heading_ids(events, step_ids, anchors);
    let events = with_row_anchors(events, step_ids, anchors);
    let events = with_dependency_links(events, step_ids);
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// The Markdown's events, with adjacent text merged, raw HTML turned into text, images dropped
/// and every link that leaves the page turned into its text.
fn safe_events(markdown: &str) -> Vec<Event<'_>> {
    let mut kept_links: Vec<bool> = Vec::new();
    TextMergeStream::new(Parser::new_ext(markdown, Options::ENABLE_TABLES))
        .filter_map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = is_local_link(dest_url);
                kept_links.push(keep);
                keep.then_some(event)
            }
            Event::End(TagEnd::Link) => kept_links.pop().unwrap_or(false).then_some(event),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        })
        .collect()
}

/// Gives every heading its id, and records the level-2 and level-3 ones for the contents.
fn with_heading_ids<'a>(
    mut events: Vec<Event<'a>>,
    step_ids: &BTreeSet<&str>,
    anchors: &mut Anchors,
) -> Vec<Event<'a>> {
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = anchors.id_for(&text, step_ids);
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                anchors.entries.push((level, id.clone(), text));
            }
            events[i] = Event::Start(Tag::Heading {
                level,
                id: Some(id.into()),
                classes: Vec::new(),
                attrs: Vec::new(),
            });
            i = j;
        }
        i += 1;
    }
    events
}

/// A table row whose first cell is a step id (a move unit's step) gets that id as anchor, and
/// a later cell that lists only step ids gets them as links.
fn with_row_anchors<'a>(events: Vec<Event<'a>>, step_ids: &BTreeSet<&str>, anchors: &mut Anchors) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut cell: Option<usize> = None;
    let mut in_head = false;
    for event in events {
        match &event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => cell = Some(0),
            Event::Start(Tag::TableCell) => {
                out.push(event);
                continue;
            }
            Event::End(TagEnd::TableCell) => cell = cell.map(|c| c + 1),
            Event::End(TagEnd::TableRow) => cell = None,
            Event::Text(t) if !in_head && cell.is_some() => {
                let text = t.trim();
                if cell == Some(0) && step_ids.contains(text) && is_plain_id(text) && !anchors.used.contains_key(text) {
                    anchors.used.insert(text.to_owned(), 1);
                    out.push(Event::InlineHtml(format!("<a id=\"{text}\"></a>").into()));
                } else if cell != Some(0) && !text.is_empty() && text.split(',').all(|id| step_ids.contains(id.trim()))
                {
                    out.extend(link_ids(t, step_ids));
                    continue;
                }
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

/// Letters, digits and `-/_.` only: safe inside an HTML attribute without escaping.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || "-/_.".contains(c))
}

/// Turns the step ids that follow a bold `Depends on:` label, up to the end of its paragraph,
/// into links to those steps.
fn with_dependency_links<'a>(events: Vec<Event<'a>>, step_ids: &BTreeSet<&str>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_strong_label = false;
    let mut after_label = false;
    for event in events {
        match &event {
            Event::Start(Tag::Strong) => {
                after_label = false;
                in_strong_label = true;
            }
            Event::Text(t) if in_strong_label => {
                after_label = t.trim() == "Depends on:";
            }
            Event::End(TagEnd::Strong) => in_strong_label = false,
            Event::End(TagEnd::Paragraph) => after_label = false,
            // The list ends at the paragraph's end or at a ` · ` that starts the next part of the line.
            Event::Text(t) if after_label => {
                match t.split_once(" · ") {
                    Some((ids, rest)) => {
                        out.extend(link_ids(ids, step_ids));
                        out.push(Event::Text(format!(" · {rest}").into()));
                        after_label = false;
                    }
                    None => out.extend(link_ids(t, step_ids)),
                }
                continue;
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

/// `" A, B"` as text and links: each comma-separated token that is a step id becomes a link.
fn link_ids<'a>(text: &str, step_ids: &BTreeSet<&str>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut plain = String::new();
    for (i, token) in text.split(',').enumerate() {
        if i > 0 {
            plain.push(',');
        }
        let id = token.trim();
        if !step_ids.contains(id) {
            plain.push_str(token);
            continue;
        }
        let lead = &token[..token.len() - token.trim_start().len()];
        let trail = &token[token.trim_end().len()..];
        plain.push_str(lead);
        if !plain.is_empty() {
            out.push(Event::Text(std::mem::take(&mut plain).into()));
        }
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: format!("#{id}").into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(id.to_owned().into()));
        out.push(Event::End(TagEnd::Link));
        plain.push_str(trail);
    }
    if !plain.is_empty() {
        out.push(Event::Text(plain.into()));
    }
    out
}

/// An anchor in the page or a relative path with no scheme and no host: `#moves`,
/// `scp/restrict-regions.json`. Not `javascript:x`, `http://host`, `//host` or `/etc/passwd`.
pub fn is_local_link(url: &str) -> bool {
    if url.starts_with('#') {
        return true;
    }
    let before_path = url.split(['/', '?', '#']).next().unwrap_or("");
    !url.is_empty()
        && !url.starts_with('/')
        && !url.starts_with('\\')
        && !before_path.contains(':')
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&'static str]) -> BTreeSet<&'static str> {
        list.iter().copied().collect()
    }

    #[test]
    fn step_headings_get_the_step_id_and_others_a_unique_slug() {
        let md = "## 1. Preflight\n\n### PRE-a: Do <x> first\n\n## Notes\n\n## Notes\n\n### Not-a-step: text\n";
        let page = render("## Summary\n", md, &ids(&["PRE-a"]));
        assert!(
            page.summary.contains("<h2 id=\"summary\">Summary</h2>"),
            "{}",
            page.summary
        );
        assert!(page.body.contains("<h2 id=\"1-preflight\">"), "{}", page.body);
        assert!(
            page.body.contains("<h3 id=\"PRE-a\">PRE-a: Do &lt;x&gt; first</h3>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<h2 id=\"notes\">") && page.body.contains("<h2 id=\"notes-2\">"));
        assert!(page.body.contains("<h3 id=\"not-a-step-text\">"), "{}", page.body);
    }

    #[test]
    fn the_contents_nest_level_three_under_level_two_and_escape_text() {
        let md = "## 1. Preflight\n\n### PRE-a: A & B\n\n### PRE-b: C\n\n#### deeper\n\n## 2. Foundation\n";
        let page = render("", md, &ids(&["PRE-a", "PRE-b"]));
        let expected = "<ul>\n<li><a href=\"#1-preflight\">1. Preflight</a>\n<ul>\n\
                        <li><a href=\"#PRE-a\">PRE-a: A &amp; B</a></li>\n\
                        <li><a href=\"#PRE-b\">PRE-b: C</a></li>\n</ul>\n</li>\n\
                        <li><a href=\"#2-foundation\">2. Foundation</a></li>\n</ul>\n";
        assert!(page.toc.contains(expected), "{}", page.toc);
        assert!(!page.toc.contains("deeper"), "{}", page.toc);
    }

    #[test]
    fn a_depends_on_list_ends_at_the_next_part_of_its_line() {
        let md = "**Owner:** x · **Depends on:** CORE-dev, PREP-dns · Procedure `cutover`.\n";
        let page = render("", md, &ids(&["CORE-dev", "PREP-dns"]));
        assert!(
            page.body.contains(
                "<strong>Depends on:</strong> <a href=\"#CORE-dev\">CORE-dev</a>, \
                 <a href=\"#PREP-dns\">PREP-dns</a> · Procedure <code>cutover</code>.</p>"
            ),
            "{}",
            page.body
        );
    }

    #[test]
    fn a_table_row_of_a_step_is_its_anchor_and_its_after_cell_links() {
        let md = "| Step | After |\n|---|---|\n| MOVE-dev/db |  |\n| MOVE-dev/web | MOVE-dev/db |\n\
                  | MOVE-x\"><b> | other text |\n";
        let page = render("", md, &ids(&["MOVE-dev/db", "MOVE-dev/web", "MOVE-x\"><b>"]));
        assert!(
            page.body.contains("<td><a id=\"MOVE-dev/db\"></a>MOVE-dev/db</td>"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(
                "<td><a id=\"MOVE-dev/web\"></a>MOVE-dev/web</td><td><a href=\"#MOVE-dev/db\">MOVE-dev/db</a></td>"
            ),
            "{}",
            page.body
        );
        // An id that is not plain gets no anchor, and stays escaped text.
        assert!(page.body.contains("<td>MOVE-x\"&gt;&lt;b&gt;</td>"), "{}", page.body);
        assert!(!page.body.contains("<th><a"), "{}", page.body);
    }

    #[test]
    fn depends_on_ids_become_links_and_other_text_stays() {
        let md = "### MOVE-dev/a: x\n\n**Owner:** platform engineer · **Depends on:** CORE-dev, MOVE-dev/a, unknown-id\n\n\
                  Text naming CORE-dev is not linked.\n";
        let page = render("", md, &ids(&["CORE-dev", "MOVE-dev/a"]));
        assert!(
            page.body.contains(
                "<strong>Depends on:</strong> <a href=\"#CORE-dev\">CORE-dev</a>, \
                 <a href=\"#MOVE-dev/a\">MOVE-dev/a</a>, unknown-id</p>"
            ),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("<p>Text naming CORE-dev is not linked.</p>"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("<strong>Owner:</strong> platform engineer"),
            "{}",
            page.body
        );
    }

    #[test]
    fn nothing_to_depend_on_stays_text() {
        let page = render("", "**Owner:** finance · **Depends on:** nothing\n", &ids(&["PRE-a"]));
        assert!(
            page.body.contains("<strong>Depends on:</strong> nothing</p>"),
            "{}",
            page.body
        );
    }
}
