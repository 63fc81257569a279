//! The pages outside the apps: signing in and up (and confirming the address), the list of workspaces, one's account,
//! People, invitations and invite links.

pub mod account;
pub mod auth;
pub mod header;
pub mod home;
pub mod join;
pub mod kit;
pub mod link_token;
pub mod passkeys;
pub mod people;
pub mod settings;
pub mod two_factor;
pub mod verify;
