//! Containers reached through the engine's CLI (issue #4).
