//! Access tokens: EdDSA (Ed25519) JWTs with `kid`, `iss`, `aud`, `exp`. Only the auth function
//! holds a [`Signer`]; every other function holds [`PublicKeys`] and a [`Verifier`].
//! Verification accepts EdDSA only, so `alg: none` and HMAC-confusion tokens are refused.
use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

use crate::error::ApiError;

pub const ISSUER: &str = "switchboard";

/// Who a token is for: the customer portal or the staff admin page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Portal,
    Admin,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Portal => "switchboard-portal",
            Audience::Admin => "switchboard-admin",
        }
    }
    /// Refresh-token (sign-in) lifetime: staff sign in again every day.
    pub fn session_seconds(self) -> i64 {
        match self {
            Audience::Portal => 30 * 24 * 3600,
            Audience::Admin => 12 * 3600,
        }
    }
    /// The HttpOnly cookie that carries the refresh token.
    pub fn cookie(self) -> &'static str {
        match self {
            Audience::Portal => "sb_refresh",
            Audience::Admin => "sb_admin_refresh",
        }
    }
    /// Access-token lifetime: staff tokens are shorter.
    pub fn ttl_seconds(self) -> i64 {
        match self {
            Audience::Portal => 15 * 60,
            Audience::Admin => 10 * 60,
        }
    }
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The contact or staff id.
    pub sub: String,
    /// The person's display name (for greetings and audit entries).
    #[serde(default)]
    pub name: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub tenant: String,
    pub account: Option<String>,
    pub contact: Option<String>,
    pub staff: Option<String>,
    /// Contact role (approver/billing/viewer) or staff role (owner/office/technician).
    pub role: String,
    /// `portal` (the whole account), `portal:read` (staff viewing as the customer) or
    /// `estimate:{id}:{rights}` (one document from an emailed link).
    pub scope: String,
    /// Properties the contact is limited to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props: Option<Vec<String>>,
    /// Parts of the portal the contractor hides (`estimates`, `invoices`, `payments`): their
    /// routes answer 404 for this session. Read from the contractor's settings at minting, so
    /// a change reaches every session within an access token's lifetime.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
}

/// A key pair as stored in the signing-key secret (or the local key file).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KeyFile {
    pub kid: String,
    /// PKCS#8 DER of the Ed25519 private key, base64.
    pub private_pkcs8: String,
}

impl KeyFile {
    /// A new random key pair.
    pub fn generate(kid: &str, seed: [u8; 32]) -> Result<Self, ApiError> {
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let der = key.to_pkcs8_der().map_err(|e| ApiError::Internal(e.to_string().into()))?;
        Ok(Self { kid: kid.to_string(), private_pkcs8: STANDARD.encode(der.as_bytes()) })
    }

    fn signing_key(&self) -> Result<ed25519_dalek::SigningKey, ApiError> {
        let der = STANDARD.decode(&self.private_pkcs8).map_err(|e| ApiError::Internal(Box::new(e)))?;
        ed25519_dalek::SigningKey::from_pkcs8_der(&der).map_err(|e| ApiError::Internal(e.to_string().into()))
    }

    /// The public half as a JWK set (what verifying functions are configured with).
    pub fn public_jwks(&self) -> Result<String, ApiError> {
        let x = URL_SAFE_NO_PAD.encode(self.signing_key()?.verifying_key().as_bytes());
        Ok(serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": self.kid, "x": x}]})
            .to_string())
    }

    pub fn signer(&self) -> Result<Signer, ApiError> {
        let der = STANDARD.decode(&self.private_pkcs8).map_err(|e| ApiError::Internal(Box::new(e)))?;
        self.signing_key()?; // refuse a malformed key now rather than at the first sign-in
        Ok(Signer { kid: self.kid.clone(), key: EncodingKey::from_ed_der(&der) })
    }
}

/// Signs access tokens. Held only by the auth function.
pub struct Signer {
    kid: String,
    key: EncodingKey,
}

impl Signer {
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).map_err(|e| ApiError::Internal(Box::new(e)))
    }
}

/// Public keys by `kid`. Several during a key rotation.
#[derive(Clone, Default)]
pub struct PublicKeys(HashMap<String, DecodingKey>);

impl PublicKeys {
    /// From a JWK set: `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":..,"x":..}]}`.
    pub fn from_jwks(json: &str) -> Result<Self, String> {
        #[derive(serde::Deserialize)]
        struct Jwk {
            kty: String,
            crv: String,
            kid: String,
            x: String,
        }
        #[derive(serde::Deserialize)]
        struct Jwks {
            keys: Vec<Jwk>,
        }
        let set: Jwks = serde_json::from_str(json).map_err(|e| format!("public keys are not a JWK set: {e}"))?;
        let mut keys = HashMap::new();
        for k in set.keys {
            if k.kty != "OKP" || k.crv != "Ed25519" {
                return Err(format!("key {} is not an Ed25519 key", k.kid));
            }
            let key = DecodingKey::from_ed_components(&k.x).map_err(|e| format!("key {}: {e}", k.kid))?;
            keys.insert(k.kid, key);
        }
        if keys.is_empty() {
            return Err("the JWK set has no keys".into());
        }
        Ok(Self(keys))
    }
}

/// Verifies access tokens for one audience.
#[derive(Clone)]
pub struct Verifier {
    keys: PublicKeys,
}

impl Verifier {
    pub fn new(keys: PublicKeys) -> Self {
        Self { keys }
    }

    /// A verifier of the public keys in a JWKS document (what `AUTH_PUBLIC_KEYS` holds).
    pub fn from_jwks(jwks: &str) -> Result<Self, String> {
        Ok(Self::new(PublicKeys::from_jwks(jwks)?))
    }

    /// The claims of a valid token: EdDSA, known `kid`, our issuer, this audience, not expired
    /// at `now` (the injected clock, not the system's).
    pub fn verify(&self, token: &str, audience: Audience, now: jiff::Timestamp) -> Result<Claims, ApiError> {
        let unauthorized = ApiError::Unauthorized("Your session is not valid. Sign in again.");
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::Unauthorized("Your session is not valid. Sign in again."))?;
        if header.alg != Algorithm::EdDSA {
            return Err(unauthorized);
        }
        let Some(key) = header.kid.as_deref().and_then(|k| self.keys.0.get(k)) else {
            return Err(unauthorized);
        };
        let mut v = Validation::new(Algorithm::EdDSA);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[audience.as_str()]);
        v.validate_exp = false; // checked below against the injected clock
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &v)
            .map(|d| d.claims)
            .map_err(|_| ApiError::Unauthorized("Your session is not valid. Sign in again."))?;
        if claims.exp <= now.as_second() {
            return Err(ApiError::Unauthorized("Your session has expired. Sign in again."));
        }
        Ok(claims)
    }
}
