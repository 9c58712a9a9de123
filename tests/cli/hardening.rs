//! Hostile input, escaping and safe-output tests.
