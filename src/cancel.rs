//! Cancellation on SIGINT, SIGTERM and SIGHUP. The first signal asks every
//! running step to stop (SIGTERM, then SIGKILL after a short grace) and
//! the report to be written with unfinished cases marked `interrupted`
//! (exit 130). A second signal kills running steps at once and still writes
//! the report — a step that ignores SIGTERM must not cost the report. Only
//! a third exits immediately, for a run that is stuck for another reason.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicUsize>);

/// Signals after which comply exits without waiting for anything.
const SIGNALS_TO_EXIT: usize = 3;

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the run should stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst) >= 1
    }

    /// Whether steps should be killed without grace.
    pub fn is_urgent(&self) -> bool {
        self.0.load(Ordering::SeqCst) >= 2
    }

    pub fn cancel(&self) {
        let _ = self
            .0
            .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Asks for an immediate stop, as a second signal does.
    pub fn hurry(&self) {
        self.0.fetch_max(2, Ordering::SeqCst);
    }

    /// Routes SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session)
    /// to this token. Step processes run in their own process groups, so a
    /// Ctrl-C at the terminal reaches only comply, which then stops them
    /// itself and still writes its report.
    pub fn on_signals(&self) -> std::io::Result<()> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let count = self.0.clone();
            // SAFETY: the handler only does an atomic add and, on the third
            // signal, `_exit` — both async-signal-safe.
            unsafe {
                signal_hook::low_level::register(signal, move || {
                    if count.fetch_add(1, Ordering::SeqCst) + 1 >= SIGNALS_TO_EXIT {
                        signal_hook::low_level::exit(crate::exit_code::INTERRUPTED);
                    }
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_signal_is_urgent() {
        let cancel = Cancel::new();
        assert!(!cancel.is_cancelled());
        cancel.cancel();
        cancel.cancel();
        assert!(
            cancel.is_cancelled() && !cancel.is_urgent(),
            "cancel() is one request"
        );
        cancel.0.fetch_add(1, Ordering::SeqCst);
        assert!(cancel.is_urgent());
    }
}
