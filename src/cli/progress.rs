//! A progress bar on stderr for loads that take longer than a second, shown only when stderr
//! is a terminal, so scripts and pipes never see it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Bytes read by the loader so far (one load per process).
static BYTES_READ: AtomicU64 = AtomicU64::new(0);

/// A running progress display; dropping it (or calling [`LoadProgress::finish`]) clears it.
pub struct LoadProgress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LoadProgress {
    /// Starts watching a load of `paths`. Returns the counter to hand to the loader, or `None`
    /// when no bar could be shown (not a terminal, bundled data).
    pub fn start(paths: &[PathBuf]) -> (Option<&'static AtomicU64>, LoadProgress) {
        let idle = LoadProgress {
            done: Arc::new(AtomicBool::new(true)),
            thread: None,
        };
        if paths.is_empty() || !std::io::stderr().is_terminal() {
            return (None, idle);
        }
        let Ok(files) = dealgraph::load::data_files(paths) else {
            return (None, idle);
        };
        let total: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let done = Arc::new(AtomicBool::new(false));
        let watching = done.clone();
        let thread = std::thread::spawn(move || show(total, &watching));
        (
            Some(&BYTES_READ),
            LoadProgress {
                done,
                thread: Some(thread),
            },
        )
    }

    pub fn finish(self) {}
}

impl Drop for LoadProgress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits a second, then draws the bar until the load is done.
fn show(total: u64, done: &AtomicBool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        if done.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "loading {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    while !done.load(Ordering::Relaxed) {
        bar.set_position(BYTES_READ.load(Ordering::Relaxed).min(total));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
