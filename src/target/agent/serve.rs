//! `comply agent`: the far end. It reads steps on standard input and runs
//! each with the `local` target's code — own process group, timeout with
//! SIGTERM → grace → SIGKILL, output caps, separate streams — but as a step
//! run by `docker exec` or ssh behaves: what it leaves running in the
//! background survives it, and it sees the agent's whole environment
//! ([`Here`]). It answers on standard output, and ends when its input ends
//! (comply finished, or the connection was lost), stopping the step it is
//! running at once.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, mpsc};

use super::protocol::{self, Failure, FrameBuffer, Message, Step};
use crate::cancel::Cancel;
use crate::target::local::{Here, InheritedEnv, run_here};
use crate::target::process::Leftovers;
use crate::target::{StepRequest, descendants};

/// What the reader thread and the step loop share.
#[derive(Default)]
struct Control {
    /// comply is gone: run nothing more.
    closed: bool,
    /// The running step's token, for cancellation.
    running: Option<Cancel>,
}

pub fn serve() -> io::Result<()> {
    descendants::become_subreaper()?;
    let mut out = io::stdout().lock();
    protocol::hello().write_to(&mut out)?;
    let control = Arc::new(Mutex::new(Control::default()));
    let (steps, queue) = mpsc::channel::<Step>();
    let reader_control = Arc::clone(&control);
    std::thread::spawn(move || read_requests(&steps, &reader_control));
    for step in queue {
        let cancel = Cancel::new();
        {
            let mut control = control.lock().unwrap_or_else(|e| e.into_inner());
            if control.closed {
                break;
            }
            control.running = Some(cancel.clone());
        }
        let step_id = step.step_id.clone();
        Message::Started {
            step_id: step_id.clone(),
        }
        .write_to(&mut out)?;
        let request = StepRequest {
            script: &step.script,
            env: step.env.clone(),
            timeout: step.timeout(),
            output_limit: step.output_limit,
        };
        let here = Here {
            leftovers: Leftovers::Keep,
            step_id: &step_id,
            inherited_env: InheritedEnv::All,
        };
        let answer = match run_here(&request, &cancel, &here) {
            Ok(output) => Message::Done { step_id, output },
            Err(error) => Message::Failed(Failure::of(&step_id, &error)),
        };
        control.lock().unwrap_or_else(|e| e.into_inner()).running = None;
        answer.write_to(&mut out)?;
        descendants::reap_exited();
    }
    out.flush()
}

/// Passes steps on and acts on cancellations as they arrive; at the end of
/// input, or on a frame it cannot read, stops everything.
fn read_requests(steps: &mpsc::Sender<Step>, control: &Mutex<Control>) {
    let mut input = io::stdin().lock();
    let mut buffer = FrameBuffer::default();
    loop {
        match protocol::read_message(&mut input, &mut buffer) {
            Ok(Some(Message::Step(step))) => {
                if steps.send(step).is_err() {
                    return;
                }
            }
            Ok(Some(Message::Cancel { urgent })) => {
                let control = control.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(cancel) = &control.running {
                    cancel.cancel();
                    if urgent {
                        cancel.hurry();
                    }
                }
            }
            Ok(Some(_)) | Ok(None) | Err(_) => {
                let mut control = control.lock().unwrap_or_else(|e| e.into_inner());
                control.closed = true;
                if let Some(cancel) = &control.running {
                    cancel.cancel();
                    cancel.hurry();
                }
                return;
            }
        }
    }
}
