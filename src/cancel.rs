//! Cancellation on SIGINT/SIGTERM: the first signal asks every running step
//! to stop and the report to be written with unfinished cases marked
//! `interrupted` (exit 130); a second signal exits at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Routes SIGINT and SIGTERM to this token. Step processes run in their
    /// own sessions, so a Ctrl-C at the terminal reaches only comply, which
    /// then stops them itself and still writes its report.
    pub fn on_signals(&self) -> std::io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        for signal in [SIGINT, SIGTERM] {
            // Order matters: the conditional shutdown is registered first, so
            // it sees the flag as it was before this signal set it.
            flag::register_conditional_shutdown(
                signal,
                crate::exit_code::INTERRUPTED,
                self.0.clone(),
            )?;
            flag::register(signal, self.0.clone())?;
        }
        Ok(())
    }
}
