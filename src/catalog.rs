//! The catalog of 45 CFR Part 164 Subpart C (the HIPAA Security Rule)
//! citations that runbooks may reference.
//!
//! Every standard and implementation specification of §§164.308–164.316 is
//! listed with its title and whether it is *required* or *addressable*
//! (standards themselves are required). Runbooks are checked against this
//! list when they are loaded, so a typo such as `164.312(e)(3)` is an input
//! error rather than a silently unmapped control.

use std::fmt;

/// Whether the regulation requires the specification outright or lets the
/// covered entity assess whether it is reasonable and appropriate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    Required,
    Addressable,
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Requirement::Required => "required",
            Requirement::Addressable => "addressable",
        })
    }
}

/// The safeguard family a section belongs to; it names the JUnit classname.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Administrative,
    Physical,
    Technical,
    Organizational,
    Documentation,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Administrative => "administrative",
            Family::Physical => "physical",
            Family::Technical => "technical",
            Family::Organizational => "organizational",
            Family::Documentation => "documentation",
        }
    }

    /// The section a family covers, e.g. `164.312` for technical safeguards.
    pub fn section(self) -> &'static str {
        match self {
            Family::Administrative => "164.308",
            Family::Physical => "164.310",
            Family::Technical => "164.312",
            Family::Organizational => "164.314",
            Family::Documentation => "164.316",
        }
    }

    fn of(citation: &str) -> Family {
        const FAMILIES: [Family; 5] = [
            Family::Administrative,
            Family::Physical,
            Family::Technical,
            Family::Organizational,
            Family::Documentation,
        ];
        FAMILIES
            .into_iter()
            .find(|family| citation.starts_with(family.section()))
            .expect("every catalog entry lies in §§164.308-164.316")
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One standard or implementation specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Citation {
    pub id: &'static str,
    pub title: &'static str,
    pub requirement: Requirement,
    /// True for a standard (e.g. `164.312(a)(1)` Access control), false for
    /// an implementation specification under it.
    pub standard: bool,
}

impl Citation {
    pub fn family(&self) -> Family {
        Family::of(self.id)
    }
}

use Requirement::{Addressable as A, Required as R};

const fn std_(id: &'static str, title: &'static str) -> Citation {
    Citation {
        id,
        title,
        requirement: R,
        standard: true,
    }
}

const fn spec(id: &'static str, title: &'static str, requirement: Requirement) -> Citation {
    Citation {
        id,
        title,
        requirement,
        standard: false,
    }
}

/// Subpart C in regulation order.
pub static CATALOG: &[Citation] = &[
    // §164.308 Administrative safeguards
    std_("164.308(a)(1)(i)", "Security management process"),
    spec("164.308(a)(1)(ii)(A)", "Risk analysis", R),
    spec("164.308(a)(1)(ii)(B)", "Risk management", R),
    spec("164.308(a)(1)(ii)(C)", "Sanction policy", R),
    spec(
        "164.308(a)(1)(ii)(D)",
        "Information system activity review",
        R,
    ),
    std_("164.308(a)(2)", "Assigned security responsibility"),
    std_("164.308(a)(3)(i)", "Workforce security"),
    spec(
        "164.308(a)(3)(ii)(A)",
        "Authorization and/or supervision",
        A,
    ),
    spec("164.308(a)(3)(ii)(B)", "Workforce clearance procedure", A),
    spec("164.308(a)(3)(ii)(C)", "Termination procedures", A),
    std_("164.308(a)(4)(i)", "Information access management"),
    spec(
        "164.308(a)(4)(ii)(A)",
        "Isolating health care clearinghouse functions",
        R,
    ),
    spec("164.308(a)(4)(ii)(B)", "Access authorization", A),
    spec(
        "164.308(a)(4)(ii)(C)",
        "Access establishment and modification",
        A,
    ),
    std_("164.308(a)(5)(i)", "Security awareness and training"),
    spec("164.308(a)(5)(ii)(A)", "Security reminders", A),
    spec(
        "164.308(a)(5)(ii)(B)",
        "Protection from malicious software",
        A,
    ),
    spec("164.308(a)(5)(ii)(C)", "Log-in monitoring", A),
    spec("164.308(a)(5)(ii)(D)", "Password management", A),
    std_("164.308(a)(6)(i)", "Security incident procedures"),
    spec("164.308(a)(6)(ii)", "Response and reporting", R),
    std_("164.308(a)(7)(i)", "Contingency plan"),
    spec("164.308(a)(7)(ii)(A)", "Data backup plan", R),
    spec("164.308(a)(7)(ii)(B)", "Disaster recovery plan", R),
    spec("164.308(a)(7)(ii)(C)", "Emergency mode operation plan", R),
    spec("164.308(a)(7)(ii)(D)", "Testing and revision procedures", A),
    spec(
        "164.308(a)(7)(ii)(E)",
        "Applications and data criticality analysis",
        A,
    ),
    std_("164.308(a)(8)", "Evaluation"),
    std_(
        "164.308(b)(1)",
        "Business associate contracts and other arrangements",
    ),
    spec("164.308(b)(3)", "Written contract or other arrangement", R),
    // §164.310 Physical safeguards
    std_("164.310(a)(1)", "Facility access controls"),
    spec("164.310(a)(2)(i)", "Contingency operations", A),
    spec("164.310(a)(2)(ii)", "Facility security plan", A),
    spec(
        "164.310(a)(2)(iii)",
        "Access control and validation procedures",
        A,
    ),
    spec("164.310(a)(2)(iv)", "Maintenance records", A),
    std_("164.310(b)", "Workstation use"),
    std_("164.310(c)", "Workstation security"),
    std_("164.310(d)(1)", "Device and media controls"),
    spec("164.310(d)(2)(i)", "Disposal", R),
    spec("164.310(d)(2)(ii)", "Media re-use", R),
    spec("164.310(d)(2)(iii)", "Accountability", A),
    spec("164.310(d)(2)(iv)", "Data backup and storage", A),
    // §164.312 Technical safeguards
    std_("164.312(a)(1)", "Access control"),
    spec("164.312(a)(2)(i)", "Unique user identification", R),
    spec("164.312(a)(2)(ii)", "Emergency access procedure", R),
    spec("164.312(a)(2)(iii)", "Automatic logoff", A),
    spec("164.312(a)(2)(iv)", "Encryption and decryption", A),
    std_("164.312(b)", "Audit controls"),
    std_("164.312(c)(1)", "Integrity"),
    spec(
        "164.312(c)(2)",
        "Mechanism to authenticate electronic protected health information",
        A,
    ),
    std_("164.312(d)", "Person or entity authentication"),
    std_("164.312(e)(1)", "Transmission security"),
    spec("164.312(e)(2)(i)", "Integrity controls", A),
    spec("164.312(e)(2)(ii)", "Encryption", A),
    // §164.314 Organizational requirements
    std_(
        "164.314(a)(1)",
        "Business associate contracts or other arrangements",
    ),
    spec("164.314(a)(2)(i)", "Business associate contracts", R),
    spec("164.314(a)(2)(ii)", "Other arrangements", R),
    spec(
        "164.314(a)(2)(iii)",
        "Business associate contracts with subcontractors",
        R,
    ),
    std_("164.314(b)(1)", "Requirements for group health plans"),
    spec(
        "164.314(b)(2)",
        "Group health plan implementation specifications",
        R,
    ),
    // §164.316 Policies and procedures and documentation requirements
    std_("164.316(a)", "Policies and procedures"),
    std_("164.316(b)(1)", "Documentation"),
    spec("164.316(b)(2)(i)", "Time limit", R),
    spec("164.316(b)(2)(ii)", "Availability", R),
    spec("164.316(b)(2)(iii)", "Updates", R),
];

/// Looks a citation up by its exact id, e.g. `164.312(b)`.
pub fn lookup(id: &str) -> Option<&'static Citation> {
    CATALOG.iter().find(|citation| citation.id == id)
}

/// The catalog id closest to an unknown one, for "did you mean" hints:
/// `164.308(a)(7)` suggests the standard `164.308(a)(7)(i)`.
pub fn suggest(unknown: &str) -> Option<&'static str> {
    if let Some(standard) = CATALOG
        .iter()
        .find(|c| c.standard && c.id.strip_prefix(unknown) == Some("(i)"))
    {
        return Some(standard.id);
    }
    crate::suggest::closest(unknown, CATALOG.iter().map(|c| c.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_subpart_c() {
        let mut seen = std::collections::HashSet::new();
        for citation in CATALOG {
            assert!(seen.insert(citation.id), "duplicate {}", citation.id);
            let _ = citation.family();
        }
        assert!(CATALOG.len() > 60);
    }

    #[test]
    fn looks_up_known_citations() {
        let audit = lookup("164.312(b)").unwrap();
        assert_eq!(audit.title, "Audit controls");
        assert_eq!(audit.family(), Family::Technical);
        assert_eq!(
            lookup("164.312(a)(2)(iii)").unwrap().requirement,
            Requirement::Addressable
        );
        assert!(lookup("164.312(f)").is_none());
    }

    #[test]
    fn suggests_the_standard_for_a_bare_paragraph() {
        assert_eq!(suggest("164.308(a)(7)"), Some("164.308(a)(7)(i)"));
        assert_eq!(suggest("164.312(e)(l)"), Some("164.312(e)(1)"));
    }
}
