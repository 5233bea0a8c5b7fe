//! The RAG scale's wording and rules.

use serde::Serialize;
use utoipa::ToSchema;

use super::enums::Rag;

/// How a rating is explained to people, so every client uses the same words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RagDefinition {
    pub value: Rag,
    #[schema(example = "Red")]
    pub label: &'static str,
    #[schema(example = "Off track: needs the board's help")]
    pub meaning: &'static str,
    /// Whether a rating of this value must say what is wrong and what is
    /// being done.
    pub needs_commentary: bool,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
            Rag::Blue => "Blue",
            Rag::NotRated => "Not rated",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Rag::Red => "Off track: needs the board's help",
            Rag::Amber => "At risk: recoverable by the owner",
            Rag::Green => "On track",
            Rag::Blue => "Complete",
            Rag::NotRated => "No update yet",
        }
    }

    /// Red and amber ratings must carry a commentary.
    pub fn needs_commentary(self) -> bool {
        matches!(self, Rag::Red | Rag::Amber)
    }

    /// Whether a progress update may give this rating (`not_rated` is only
    /// the state before any rating).
    pub fn is_assignable(self) -> bool {
        self != Rag::NotRated
    }

    /// Position on the scale from worst to best, for direction of travel;
    /// `None` when not rated.
    pub fn rank(self) -> Option<u8> {
        match self {
            Rag::Red => Some(0),
            Rag::Amber => Some(1),
            Rag::Green => Some(2),
            Rag::Blue => Some(3),
            Rag::NotRated => None,
        }
    }

    pub fn definition(self) -> RagDefinition {
        RagDefinition {
            value: self,
            label: self.label(),
            meaning: self.meaning(),
            needs_commentary: self.needs_commentary(),
        }
    }
}

/// Every definition, worst first.
pub fn definitions() -> Vec<RagDefinition> {
    Rag::ALL.iter().map(|rag| rag.definition()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn red_and_amber_need_commentary() {
        let needing: Vec<Rag> = Rag::ALL
            .iter()
            .copied()
            .filter(|r| r.needs_commentary())
            .collect();
        assert_eq!(needing, [Rag::Red, Rag::Amber]);
    }

    #[test]
    fn the_scale_runs_from_red_to_blue() {
        assert!(Rag::Red.rank() < Rag::Amber.rank());
        assert!(Rag::Amber.rank() < Rag::Green.rank());
        assert!(Rag::Green.rank() < Rag::Blue.rank());
        assert_eq!(Rag::NotRated.rank(), None);
        assert!(!Rag::NotRated.is_assignable());
    }

    #[test]
    fn every_value_is_defined() {
        let defs = definitions();
        assert_eq!(defs.len(), 5);
        assert!(
            defs.iter()
                .all(|d| !d.label.is_empty() && !d.meaning.is_empty())
        );
    }
}
