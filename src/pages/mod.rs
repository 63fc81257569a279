//! One module per route.

pub mod auth;
pub mod home;
pub mod message_list;
pub mod messages;
pub mod people;
pub mod workspace;
