//! CSV quoting, followed byte by byte beside the csv crate, which ends a quoted field
//! silently at the end of the input: [`QuoteTracker`] finds the quote left open.

use std::io::Read;

/// Follows CSV quoting byte by byte (as csv-core reads it) to find a quoted field still open
/// at the end of the input.
pub(super) struct QuoteTracker<R> {
    inner: R,
    state: QuoteState,
    /// Newlines seen so far, and where the open quoted field started (line, byte).
    newlines: u32,
    offset: u64,
    opened: (u32, u64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R: Read> QuoteTracker<R> {
    pub(super) fn new(inner: R) -> Self {
        QuoteTracker {
            inner,
            state: QuoteState::FieldStart,
            newlines: 0,
            offset: 0,
            opened: (0, 0),
        }
    }

    /// The 1-based line and byte offset of a quote opened and never closed.
    pub(super) fn unclosed(&self) -> Option<(u32, u64)> {
        (self.state == QuoteState::Quoted).then_some(self.opened)
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if let Some(&last) = chunk.last()
            && memchr::memchr(b'"', chunk).is_none()
        {
            // No quote: only newlines count, and unless a quoted field is open the state is
            // decided by the last byte alone (what the loop below would compute).
            self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u32;
            self.offset += n as u64;
            if self.state != QuoteState::Quoted {
                self.state = match last {
                    b',' | b'\n' | b'\r' => QuoteState::FieldStart,
                    _ => QuoteState::Unquoted,
                };
            }
            return Ok(n);
        }
        for &b in chunk {
            use QuoteState::*;
            self.state = match (self.state, b) {
                (FieldStart, b'"') => {
                    self.opened = (self.newlines + 1, self.offset);
                    Quoted
                }
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (_, b',' | b'\n' | b'\r') => FieldStart,
                _ => Unquoted,
            };
            if b == b'\n' {
                self.newlines += 1;
            }
            self.offset += 1;
        }
        Ok(n)
    }
}
