//! Output: terminal tables, JSON, CSV, plain-language text, DOT and SVG maps. Renderers
//! decide how results look, never what they are; writing them out is the caller's job.

pub mod cells;
pub mod csv;
pub mod cycles;
pub mod diff;
pub mod dot;
pub mod drawing;
pub mod export;
pub mod html;
pub mod json;
pub mod layout;
pub mod list;
pub mod map;
pub mod paths;
pub mod show;
pub mod stakeholders;
pub mod stats;
pub mod style;
pub mod svg;
pub mod table;
pub mod text;
pub mod validate;
