//! Ratings: after a job is completed its customer rates it, 1 to 5 stars with an optional
//! comment and optionally about the technician. A rating is private to the contractor and
//! editable by the customer for [`EDIT_DAYS`].
//!
//! **No review gating.** After rating, every rater is offered the contractor's public review
//! links (Google, Facebook, Yelp) whatever the score. Offering them only to happy customers
//! is review gating: Google's review policy forbids it, and the FTC's rule on consumer
//! reviews (16 CFR Part 465, §465.7) treats suppressing negative reviews that way as unfair.
//! What a low score ([`FOLLOW_UP_AT_OR_BELOW`] stars or fewer) adds is a follow-up for the
//! office, never a different answer for the customer.
use jiff::{SignedDuration, Timestamp};

use crate::ids::{AccountId, ContactId, JobId, StaffId, TenantId};
use crate::{DomainError, FieldErrors};

/// Days a customer may change their rating after first giving it.
pub const EDIT_DAYS: i64 = 14;
/// A comment's length limit (characters).
pub const MAX_COMMENT: usize = 2000;
/// Ratings of this many stars or fewer open a follow-up for the office.
pub const FOLLOW_UP_AT_OR_BELOW: u8 = 3;
/// A follow-up note's length limit (characters).
pub const MAX_NOTE: usize = 1000;

/// A job's rating, as stored (one per job, under it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Rating {
    #[schema(value_type = String)]
    pub tenant: TenantId,
    #[schema(value_type = String)]
    pub account: AccountId,
    #[schema(value_type = String)]
    pub job: JobId,
    /// `J-1012 · Bathroom exhaust fan`, as the job was named when rated.
    pub job_number: String,
    pub job_title: String,
    /// Who rated it last.
    #[schema(value_type = String)]
    pub contact: ContactId,
    pub contact_name: String,
    /// 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub stars: u8,
    /// What they wrote (may be empty).
    pub comment: String,
    /// The technician it is about, when the customer said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician: Option<RatedTechnician>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Open for the office when the stars are [`FOLLOW_UP_AT_OR_BELOW`] or fewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
    pub rev: u64,
}

/// The technician a rating is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RatedTechnician {
    #[schema(value_type = String)]
    pub id: StaffId,
    pub name: String,
}

/// The office's follow-up of a low rating.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub open: bool,
    /// Who handles it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub assigned: Option<StaffId>,
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// The staff member who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// What the office did (for the office only).
    #[serde(default)]
    pub note: String,
}

/// What a customer sends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRating {
    #[schema(minimum = 1, maximum = 5)]
    pub stars: u8,
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub comment: Option<String>,
    /// One of the job's technicians (their id), when the rating is about them.
    #[serde(default)]
    #[schema(value_type = Option<StaffId>)]
    pub technician: Option<StaffId>,
}

impl NewRating {
    /// The stars and comment as kept: the comment trimmed, direction overrides and control
    /// characters (but line breaks) dropped. 400 when outside what any rating may be.
    pub fn checked(&self) -> Result<(u8, String), DomainError> {
        let mut e = FieldErrors::new();
        if !(1..=5).contains(&self.stars) {
            e.add("stars", "1 to 5");
        }
        let comment = clean(self.comment.as_deref().unwrap_or(""));
        if comment.chars().count() > MAX_COMMENT {
            e.add("comment", "at most 2,000 characters");
        }
        e.into_result()?;
        Ok((self.stars, comment))
    }

    /// The technician named, among the job's (422 when not one of them).
    pub fn technician(&self, on_job: &[RatedTechnician]) -> Result<Option<RatedTechnician>, DomainError> {
        match &self.technician {
            None => Ok(None),
            Some(id) => on_job
                .iter()
                .find(|t| &t.id == id)
                .cloned()
                .map(Some)
                .ok_or_else(|| DomainError::invalid("technician", "one of the technicians who came")),
        }
    }
}

/// Text as a comment or note keeps it: trimmed, line breaks kept, other control characters
/// and bidirectional overrides dropped.
pub fn clean(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| *c == '\n' || !(c.is_control() || ('\u{202A}'..='\u{202E}').contains(c) || ('\u{2066}'..='\u{2069}').contains(c)))
        .collect()
}

impl Rating {
    /// Until when the customer may change it.
    pub fn editable_until(&self) -> Timestamp {
        self.created_at.saturating_add(SignedDuration::from_hours(24 * EDIT_DAYS)).unwrap_or(self.created_at)
    }

    pub fn editable(&self, now: Timestamp) -> bool {
        now < self.editable_until()
    }

    /// Whether this many stars opens a follow-up.
    pub fn needs_follow_up(stars: u8) -> bool {
        stars <= FOLLOW_UP_AT_OR_BELOW
    }

    /// The follow-up after a new or changed score: a fresh one opens only when the score
    /// falls to a low one (a first rating, or one above [`FOLLOW_UP_AT_OR_BELOW`] before);
    /// otherwise the follow-up stays as the office left it (open, or closed with its note),
    /// however the comment or a low score changes.
    pub fn follow_up_after(before: Option<&Rating>, stars: u8, now: Timestamp) -> Option<FollowUp> {
        let was_low = before.is_some_and(|r| Self::needs_follow_up(r.stars));
        let kept = before.and_then(|r| r.follow_up.clone());
        if Self::needs_follow_up(stars) && !was_low && !kept.as_ref().is_some_and(|f| f.open) {
            return Some(FollowUp { open: true, assigned: None, opened_at: now, closed_at: None, closed_by: None, note: String::new() });
        }
        kept
    }
}

/// The office changes a follow-up: assigns it, writes a note, closes or reopens it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpChange {
    /// A staff member's id; `null` unassigns.
    #[serde(default, with = "crate::serde_util::double_option")]
    #[schema(value_type = Option<StaffId>)]
    pub assigned: Option<Option<StaffId>>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
    /// `false` closes it, `true` reopens it.
    pub open: Option<bool>,
}

/// The contractor's public review pages, offered to every rater after they rate.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ReviewLinks {
    /// `https://g.page/r/...` or the business's Google review address.
    #[schema(max_length = 300)]
    pub google: Option<String>,
    #[schema(max_length = 300)]
    pub facebook: Option<String>,
    #[schema(max_length = 300)]
    pub yelp: Option<String>,
}

impl ReviewLinks {
    /// Each an `https://` address of at most 300 characters, or none.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut e = FieldErrors::new();
        for (field, v) in [("google", &self.google), ("facebook", &self.facebook), ("yelp", &self.yelp)] {
            if let Some(u) = v
                && !(u.starts_with("https://")
                    && u.len() > "https://".len()
                    && u.len() <= 300
                    && !u.chars().any(|c| c.is_whitespace() || c.is_control()))
            {
                e.add(format!("review_links.{field}"), "an https:// address of at most 300 characters");
            }
        }
        e.into_result()
    }

    /// The links set, with the site's name, in a fixed order.
    pub fn listed(&self) -> Vec<ReviewLink> {
        [("Google", &self.google), ("Facebook", &self.facebook), ("Yelp", &self.yelp)]
            .into_iter()
            .filter_map(|(site, url)| url.as_ref().map(|u| ReviewLink { site: site.into(), url: u.clone() }))
            .collect()
    }
}

/// One public review page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ReviewLink {
    /// `Google`, `Facebook` or `Yelp`.
    pub site: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn stars_and_comments_are_bounded() {
        let r = |stars, comment: &str| NewRating { stars, comment: Some(comment.into()), technician: None }.checked();
        assert!(r(0, "").is_err());
        assert!(r(6, "").is_err());
        assert_eq!(r(5, "  Great work\u{202E}!\n ").unwrap(), (5, "Great work!".into()));
        assert!(r(1, &"x".repeat(MAX_COMMENT)).is_ok());
        assert!(r(1, &"x".repeat(MAX_COMMENT + 1)).is_err());
    }

    fn rating(stars: u8, follow_up: Option<FollowUp>) -> Rating {
        Rating {
            tenant: "ten_a".parse().unwrap(),
            account: "acc_a".parse().unwrap(),
            job: "job_a".parse().unwrap(),
            job_number: "J-1".into(),
            job_title: "Fan".into(),
            contact: "con_a".parse().unwrap(),
            contact_name: "Dana".into(),
            stars,
            comment: String::new(),
            technician: None,
            created_at: at(0),
            updated_at: at(0),
            follow_up,
            rev: 1,
        }
    }

    #[test]
    fn a_low_score_opens_one_follow_up_and_the_office_keeps_it() {
        let now = at(1_000);
        assert_eq!(Rating::follow_up_after(None, 4, now), None);
        let opened = Rating::follow_up_after(None, 3, now).unwrap();
        assert!(opened.open);
        // Raised to 5 later: the office's follow-up stays open until they close it.
        assert_eq!(Rating::follow_up_after(Some(&rating(3, Some(opened.clone()))), 5, at(2_000)), Some(opened.clone()));
        let closed = FollowUp { open: false, closed_at: Some(at(3_000)), note: "Called her.".into(), ..opened.clone() };
        // Closed by the office: saving a low score again (a comment fixed, 2 to 3) keeps it
        // closed with its note; no second alert.
        for (was, now_stars) in [(2, 2), (2, 3), (3, 1)] {
            assert_eq!(Rating::follow_up_after(Some(&rating(was, Some(closed.clone()))), now_stars, at(4_000)), Some(closed.clone()));
        }
        assert_eq!(Rating::follow_up_after(Some(&rating(2, Some(closed.clone()))), 4, at(4_000)), Some(closed.clone()));
        // Raised, then lowered again after the office closed it: a fresh one opens.
        let again = Rating::follow_up_after(Some(&rating(5, Some(closed.clone()))), 2, at(5_000)).unwrap();
        assert!(again.open);
        assert_eq!(again.opened_at, at(5_000));
        assert_eq!(again.note, "");
        // Raised and lowered while still open: the same one.
        assert_eq!(Rating::follow_up_after(Some(&rating(5, Some(opened.clone()))), 1, at(6_000)), Some(opened));
    }

    #[test]
    fn editable_for_fourteen_days() {
        let r = rating(4, None);
        assert!(r.editable(at(EDIT_DAYS * 86_400 - 1)));
        assert!(!r.editable(at(EDIT_DAYS * 86_400)));
    }

    #[test]
    fn review_links_are_https() {
        let ok = ReviewLinks { google: Some("https://g.page/r/abc/review".into()), facebook: None, yelp: None };
        assert!(ok.check().is_ok());
        assert_eq!(ok.listed(), vec![ReviewLink { site: "Google".into(), url: "https://g.page/r/abc/review".into() }]);
        for bad in ["http://g.page/r/abc", "javascript:alert(1)", "https://", "https://a b"] {
            assert!(ReviewLinks { yelp: Some(bad.into()), ..Default::default() }.check().is_err(), "{bad}");
        }
    }
}
