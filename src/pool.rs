//! A fixed pool of worker threads over a list of jobs, reporting back to
//! the calling thread — which is where the console and reports live, so
//! they need not be thread-safe.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `work` on every item with at most `jobs` threads, taking items in
/// order. Workers report through the `send` callback they are given;
/// `on_message` receives each message on this thread as it arrives. Workers
/// stop taking new items once `on_message` has returned and the channel is
/// closed, so a panic in a worker surfaces here.
pub fn run<T, M>(
    jobs: usize,
    items: &[T],
    work: impl Fn(&T, &dyn Fn(M)) + Sync,
    mut on_message: impl FnMut(M),
) where
    T: Sync,
    M: Send,
{
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<M>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                let send = |message: M| {
                    let _ = sender.send(message);
                };
                while let Some(item) = items.get(next.fetch_add(1, Ordering::SeqCst)) {
                    work(item, &send);
                }
            });
        }
        drop(sender);
        for message in receiver {
            on_message(message);
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_item_is_worked_once() {
        let items: Vec<u32> = (0..100).collect();
        let mut seen = Vec::new();
        super::run(
            4,
            &items,
            |item, send| send(item * 2),
            |message| seen.push(message),
        );
        seen.sort_unstable();
        assert_eq!(seen, (0..100).map(|i| i * 2).collect::<Vec<_>>());
    }
}
