//! Identity: password hashing, access tokens and opaque refresh secrets.

pub mod jwt;
pub mod opaque;
pub mod password;

pub use jwt::{Claims, JwtKeys};
