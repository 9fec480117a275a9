//! Importing a published list into `content/` (see `qingdan import`).
