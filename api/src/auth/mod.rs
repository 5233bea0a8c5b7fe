//! Identity: password hashing, access tokens and opaque refresh secrets.

pub mod jwt;
pub mod opaque;
pub mod password;
pub mod throttle;

pub use jwt::{Claims, JwtKeys};
