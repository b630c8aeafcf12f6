//! Progress bars and notices on stderr. Bars show only when stderr is a terminal and `--quiet`
//! is off; notices (summaries, warnings) show unless `--quiet`. Data never goes to stderr.

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Clone)]
pub struct Progress {
    bars: bool,
    quiet: bool,
    multi: MultiProgress,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let bars = !quiet && std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if bars {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Progress { bars, quiet, multi }
    }

    /// A progress bar of `len` steps; hidden when bars are off.
    pub fn bar(&self, len: u64, message: &str) -> ProgressBar {
        if !self.bars {
            return ProgressBar::hidden();
        }
        let bar = self.multi.add(ProgressBar::new(len));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:24} [{bar:30}] {pos}/{len} {elapsed}")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message(message.to_owned());
        bar
    }

    /// A counter without a known end (for example resources found).
    pub fn counter(&self, message: &str) -> ProgressBar {
        if !self.bars {
            return ProgressBar::hidden();
        }
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg:24} {pos}").expect("static template"));
        bar.set_message(message.to_owned());
        bar
    }

    /// Prints a line to stderr unless `--quiet`, without tearing the bars.
    pub fn notice(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.bars {
            let _ = self.multi.println(line);
        } else {
            eprintln!("{line}");
        }
    }
}
