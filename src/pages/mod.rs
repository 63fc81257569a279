//! The pages outside the apps: signing in and up, the list of workspaces, one's account,
//! People.

pub mod account;
pub mod auth;
pub mod home;
pub mod people;
