//! One module per route.

pub mod auth;
pub mod home;
pub mod messages;
pub mod workspace;
