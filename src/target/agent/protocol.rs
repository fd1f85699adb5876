//! The agent's wire format: frames of a 4-byte big-endian length, a kind
//! byte and a payload, over the agent's standard input and output.
//!
//! comply → agent: [`Message::Step`] (a JSON header: script, environment,
//! limits) and [`Message::Cancel`]. agent → comply: [`Message::Hello`] once
//! at start, [`Message::Started`] when a step's process is about to be
//! spawned, then [`Message::Done`] (a JSON header and the captured bytes of
//! stdout and stderr, raw) or [`Message::Failed`].
//!
//! `Started` is what makes a lost connection safe to retry: an agent that
//! vanished before it, as one does when its container restarts, never ran
//! the step.

use std::io::{self, Read, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::target::process::with_read_buffer;
use crate::target::{Captured, Exit, StepOutput, TargetError};

/// Changes whenever a message changes meaning; both sides must agree.
pub const PROTOCOL: u32 = 1;
/// Bigger than any step request (a script is at most 128 KiB) or answer
/// (two streams at `--output-limit`) comply makes.
pub const MAX_FRAME: usize = 1 << 30;

const HELLO: u8 = b'H';
const STEP: u8 = b'S';
const CANCEL: u8 = b'C';
const STARTED: u8 = b'R';
const DONE: u8 = b'D';
const FAILED: u8 = b'F';

/// A step as the agent runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Chosen by comply: what the step's processes carry as
    /// `COMPLY_STEP_ID` (so comply can kill them by it should the agent be
    /// lost), and what every answer about the step names.
    pub step_id: String,
    pub script: String,
    pub env: Vec<(String, String)>,
    pub timeout_ms: u64,
    pub output_limit: usize,
}

impl Step {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// How a step ended, as sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum WireExit {
    Code(i32),
    Signal(i32),
    TimedOut,
    Cancelled,
}

#[derive(Debug, Serialize, Deserialize)]
struct DoneHeader {
    step_id: String,
    exit: WireExit,
    duration_ns: u64,
    leaked: bool,
    stdout_len: usize,
    stdout_dropped: u64,
    stderr_dropped: u64,
}

/// Why the agent could not run a step: the two errors of running a local
/// process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub step_id: String,
    pub program: String,
    pub reason: String,
    /// It started but comply lost track of it (rather than not starting).
    pub lost: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The agent's protocol and comply version.
    Hello {
        protocol: u32,
        version: String,
    },
    Step(Step),
    /// Stop the running step: with grace, or at once (`urgent`).
    Cancel {
        urgent: bool,
    },
    Started {
        step_id: String,
    },
    Done {
        step_id: String,
        output: StepOutput,
    },
    Failed(Failure),
}

/// The version an agent and its comply must share.
pub fn hello() -> Message {
    Message::Hello {
        protocol: PROTOCOL,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain data serializes")
}

fn invalid(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

impl Message {
    pub fn encode(&self) -> Vec<u8> {
        let (kind, payload) = match self {
            Message::Hello { protocol, version } => {
                let mut payload = protocol.to_be_bytes().to_vec();
                payload.extend_from_slice(version.as_bytes());
                (HELLO, payload)
            }
            Message::Step(step) => (STEP, json(step)),
            Message::Cancel { urgent } => (CANCEL, vec![u8::from(*urgent)]),
            Message::Started { step_id } => (STARTED, step_id.as_bytes().to_vec()),
            Message::Done { step_id, output } => (DONE, encode_done(step_id, output)),
            Message::Failed(failure) => (FAILED, json(failure)),
        };
        let length = u32::try_from(payload.len() + 1)
            .ok()
            .filter(|length| *length as usize <= MAX_FRAME)
            .expect("steps and answers are bounded (script size, --output-limit)");
        let mut frame = Vec::with_capacity(5 + payload.len());
        frame.extend_from_slice(&length.to_be_bytes());
        frame.push(kind);
        frame.extend_from_slice(&payload);
        frame
    }

    fn decode(kind: u8, payload: &[u8]) -> io::Result<Message> {
        Ok(match kind {
            HELLO if payload.len() >= 4 => Message::Hello {
                protocol: u32::from_be_bytes(payload[..4].try_into().expect("4 bytes")),
                version: String::from_utf8_lossy(&payload[4..]).into_owned(),
            },
            STEP => Message::Step(serde_json::from_slice(payload).map_err(invalid)?),
            CANCEL => Message::Cancel {
                urgent: payload.first() == Some(&1),
            },
            STARTED => Message::Started {
                step_id: String::from_utf8_lossy(payload).into_owned(),
            },
            DONE => {
                let (step_id, output) = decode_done(payload)?;
                Message::Done { step_id, output }
            }
            FAILED => Message::Failed(serde_json::from_slice(payload).map_err(invalid)?),
            other => return Err(invalid(format!("unknown agent message kind {other}"))),
        })
    }

    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.encode())?;
        out.flush()
    }
}

fn encode_done(step_id: &str, output: &StepOutput) -> Vec<u8> {
    let exit = match output.exit {
        Exit::Code(code) => WireExit::Code(code),
        Exit::Signal(signal) => WireExit::Signal(signal),
        Exit::TimedOut => WireExit::TimedOut,
        Exit::Cancelled => WireExit::Cancelled,
    };
    let header = json(&DoneHeader {
        step_id: step_id.to_owned(),
        exit,
        duration_ns: output.duration.as_nanos() as u64,
        leaked: output.leaked,
        stdout_len: output.stdout.bytes.len(),
        stdout_dropped: output.stdout.dropped,
        stderr_dropped: output.stderr.dropped,
    });
    let mut payload = (header.len() as u32).to_be_bytes().to_vec();
    payload.extend_from_slice(&header);
    payload.extend_from_slice(&output.stdout.bytes);
    payload.extend_from_slice(&output.stderr.bytes);
    payload
}

fn decode_done(payload: &[u8]) -> io::Result<(String, StepOutput)> {
    let short = || invalid("a truncated step result");
    let header_len = u32::from_be_bytes(
        payload
            .get(..4)
            .ok_or_else(short)?
            .try_into()
            .expect("4 bytes"),
    ) as usize;
    let rest = &payload[4..];
    let header: DoneHeader =
        serde_json::from_slice(rest.get(..header_len).ok_or_else(short)?).map_err(invalid)?;
    let streams = &rest[header_len..];
    let stdout = streams.get(..header.stdout_len).ok_or_else(short)?;
    let stderr = &streams[header.stdout_len..];
    let output = StepOutput {
        exit: match header.exit {
            WireExit::Code(code) => Exit::Code(code),
            WireExit::Signal(signal) => Exit::Signal(signal),
            WireExit::TimedOut => Exit::TimedOut,
            WireExit::Cancelled => Exit::Cancelled,
        },
        stdout: Captured {
            bytes: stdout.to_vec(),
            dropped: header.stdout_dropped,
        },
        stderr: Captured {
            bytes: stderr.to_vec(),
            dropped: header.stderr_dropped,
        },
        duration: Duration::from_nanos(header.duration_ns),
        leaked: header.leaked,
    };
    Ok((header.step_id, output))
}

impl Failure {
    pub fn of(step_id: &str, error: &TargetError) -> Failure {
        let (program, reason, lost) = match error {
            TargetError::Spawn { program, reason } => (program.clone(), reason.clone(), false),
            TargetError::LostTrack { program, reason } => (program.clone(), reason.clone(), true),
            other => ("sh".to_owned(), other.to_string(), true),
        };
        Failure {
            step_id: step_id.to_owned(),
            program,
            reason,
            lost,
        }
    }
}

impl From<Failure> for TargetError {
    fn from(failure: Failure) -> TargetError {
        if failure.lost {
            TargetError::LostTrack {
                program: failure.program,
                reason: failure.reason,
            }
        } else {
            TargetError::Spawn {
                program: failure.program,
                reason: failure.reason,
            }
        }
    }
}

/// Takes frames off a byte stream as they complete: the agent reads its
/// standard input with it (blocking), comply its agents' standard output
/// (after `poll`).
pub struct FrameBuffer {
    bytes: Vec<u8>,
    /// The largest frame taken: small until the hello, so that text where
    /// a hello was expected (a login banner) is an error at once rather
    /// than the length of a frame to wait for.
    pub limit: usize,
}

impl Default for FrameBuffer {
    fn default() -> FrameBuffer {
        FrameBuffer::with_limit(MAX_FRAME)
    }
}

impl FrameBuffer {
    pub fn with_limit(limit: usize) -> FrameBuffer {
        FrameBuffer {
            bytes: Vec::new(),
            limit,
        }
    }
}

/// The largest hello.
pub const MAX_HELLO: usize = 1024;

/// What reading from a stream gave.
pub enum Filled {
    Bytes,
    EndOfFile,
    WouldBlock,
}

impl FrameBuffer {
    /// Reads what is there (once).
    pub fn fill(&mut self, from: &mut impl Read) -> io::Result<Filled> {
        with_read_buffer(|chunk| {
            loop {
                return match from.read(chunk) {
                    Ok(0) => Ok(Filled::EndOfFile),
                    Ok(count) => {
                        self.bytes.extend_from_slice(&chunk[..count]);
                        Ok(Filled::Bytes)
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                        Ok(Filled::WouldBlock)
                    }
                    Err(error) => Err(error),
                };
            }
        })
    }

    /// What has arrived and is not a message, as one line of text: what a
    /// program printed where an agent's hello was expected.
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        let line = text.lines().map(str::trim).find(|line| !line.is_empty());
        line.unwrap_or_default().chars().take(400).collect()
    }

    /// The next whole message, if one has arrived.
    pub fn next_message(&mut self) -> io::Result<Option<Message>> {
        let Some(length) = self.bytes.get(..4) else {
            return Ok(None);
        };
        let length = u32::from_be_bytes(length.try_into().expect("4 bytes")) as usize;
        if length == 0 || length > self.limit {
            return Err(invalid(format!("an agent frame of {length} bytes")));
        }
        if self.bytes.len() < 4 + length {
            return Ok(None);
        }
        let frame: Vec<u8> = self.bytes.drain(..4 + length).collect();
        Message::decode(frame[4], &frame[5..]).map(Some)
    }
}

/// Reads the next message, blocking; `None` at end of file.
pub fn read_message(from: &mut impl Read, buffer: &mut FrameBuffer) -> io::Result<Option<Message>> {
    loop {
        if let Some(message) = buffer.next_message()? {
            return Ok(Some(message));
        }
        match buffer.fill(from)? {
            Filled::Bytes | Filled::WouldBlock => {}
            Filled::EndOfFile => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(message: Message) -> Message {
        let mut buffer = FrameBuffer::default();
        let encoded = message.encode();
        // Byte by byte: a frame is only taken when whole.
        for byte in &encoded[..encoded.len() - 1] {
            buffer.bytes.push(*byte);
            assert_eq!(buffer.next_message().unwrap(), None);
        }
        buffer.bytes.push(*encoded.last().unwrap());
        buffer.next_message().unwrap().unwrap()
    }

    #[test]
    fn every_message_survives_the_wire() {
        let output = StepOutput {
            exit: Exit::Signal(9),
            stdout: Captured {
                bytes: b"out\0\xff".to_vec(),
                dropped: 7,
            },
            stderr: Captured {
                bytes: b"err".to_vec(),
                dropped: 0,
            },
            duration: Duration::from_micros(1234),
            leaked: true,
        };
        let step = Step {
            step_id: "comply-1-2".to_owned(),
            script: "#!/bin/sh\necho 'hi'\n".to_owned(),
            env: vec![("COMPLY_STEP".to_owned(), "probe".to_owned())],
            timeout_ms: 1500,
            output_limit: 10,
        };
        for message in [
            hello(),
            Message::Step(step),
            Message::Cancel { urgent: true },
            Message::Cancel { urgent: false },
            Message::Started {
                step_id: "comply-1-2".to_owned(),
            },
            Message::Done {
                step_id: "comply-1-2".to_owned(),
                output,
            },
            Message::Failed(Failure {
                step_id: "comply-1-2".to_owned(),
                program: "/usr/bin/python3".to_owned(),
                reason: "No such file or directory".to_owned(),
                lost: false,
            }),
        ] {
            assert_eq!(round_trip(message.clone()), message);
        }
    }

    #[test]
    fn a_corrupt_frame_is_an_error_not_a_message() {
        let mut buffer = FrameBuffer {
            bytes: vec![0, 0, 0, 2, b'?', 0],
            limit: MAX_FRAME,
        };
        assert!(buffer.next_message().is_err());
        let mut empty = FrameBuffer {
            bytes: vec![0, 0, 0, 0],
            limit: MAX_FRAME,
        };
        assert!(empty.next_message().is_err());
        // A login banner where the hello should be: read as a length it is
        // half a gigabyte, a frame to wait for — but far over a hello's size.
        let banner = b" Welcome to the appliance".to_vec();
        let mut waiting = FrameBuffer {
            bytes: banner.clone(),
            limit: MAX_FRAME,
        };
        assert!(matches!(waiting.next_message(), Ok(None)));
        let mut refused = FrameBuffer {
            bytes: banner,
            limit: MAX_HELLO,
        };
        assert!(refused.next_message().is_err());
    }
}
