//! The JSON keys of [`SecretSources`] inside [`super::LdapSettings`] (`PasswordEnv`, `Password`,
//! `PasswordFile`) and [`super::CloudSettings`] (`ClientSecretEnv`, `ClientSecret`), and `TimeoutSeconds`.
//! A secret is read, never written: serialized settings name where the secret is, not the secret.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{SecretSources, SecretString};

/// `Source.Ad`'s password keys.
pub(super) mod password {
    use super::*;

    #[derive(Default, Deserialize, Serialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Keys {
        #[serde(skip_serializing_if = "Option::is_none")]
        password_env: Option<String>,
        #[serde(skip_serializing)]
        password: Option<SecretString>,
        #[serde(skip_serializing_if = "Option::is_none")]
        password_file: Option<PathBuf>,
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretSources, D::Error> {
        let k = Keys::deserialize(d)?;
        let (env, file, value) = (k.password_env, k.password_file, k.password);
        Ok(SecretSources {
            env,
            file,
            value,
            value_exposed: false,
        })
    }

    pub(crate) fn serialize<S: Serializer>(s: &SecretSources, ser: S) -> Result<S::Ok, S::Error> {
        let (password_env, password_file) = (s.env.clone(), s.file.clone());
        Keys {
            password_env,
            password: None,
            password_file,
        }
        .serialize(ser)
    }
}

/// `Source.Cloud`'s client secret keys.
pub(super) mod client_secret {
    use super::*;

    #[derive(Default, Deserialize, Serialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Keys {
        #[serde(skip_serializing_if = "Option::is_none")]
        client_secret_env: Option<String>,
        #[serde(skip_serializing)]
        client_secret: Option<SecretString>,
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretSources, D::Error> {
        let k = Keys::deserialize(d)?;
        let (env, value) = (k.client_secret_env, k.client_secret);
        Ok(SecretSources {
            env,
            value,
            ..SecretSources::default()
        })
    }

    pub(crate) fn serialize<S: Serializer>(s: &SecretSources, ser: S) -> Result<S::Ok, S::Error> {
        Keys {
            client_secret_env: s.env.clone(),
            client_secret: None,
        }
        .serialize(ser)
    }
}

/// `TimeoutSeconds`: a duration as whole seconds.
pub(super) mod seconds {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_secs))
    }

    #[expect(
        clippy::ref_option,
        reason = "serde's `with` passes the field by reference"
    )]
    pub(crate) fn serialize<S: Serializer>(
        t: &Option<Duration>,
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        t.map(|t| t.as_secs()).serialize(ser)
    }
}
