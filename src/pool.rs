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
    if jobs <= 1 {
        // One at a time needs no worker: handing every case to a thread
        // and every message back cost a few context switches per case.
        let on_message = std::cell::RefCell::new(on_message);
        let send = |message: M| (on_message.borrow_mut())(message);
        for item in items {
            work(item, &send);
        }
        return;
    }
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

    #[test]
    fn one_job_works_the_items_in_order_on_this_thread() {
        let items: Vec<u32> = (0..10).collect();
        let here = std::thread::current().id();
        let mut seen = Vec::new();
        super::run(
            1,
            &items,
            |item, send| send((*item, std::thread::current().id())),
            |message| seen.push(message),
        );
        assert_eq!(seen, items.iter().map(|i| (*i, here)).collect::<Vec<_>>());
    }
}
