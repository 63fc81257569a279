//! The pages outside the apps: signing in and up, the list of workspaces, People.

pub mod auth;
pub mod home;
pub mod people;
