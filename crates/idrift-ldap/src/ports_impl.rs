//! `LdapDirectory` as the core's write port [`OnPremPhoneWriter`]: the application layer's persist, set,
//! clear and undo write through it.
//!
//! Values are normalized on the way in (a blank `mobile` clears it, blank and repeated `otherMobile` values
//! are dropped), because a directory cannot store them and [`LdapDirectory::set_phones`] rejects them. A UPN
//! that names several users is [`SourceError::InvalidData`], as the port requires.

use async_trait::async_trait;
use idrift_core::model::OnPremUser;
use idrift_core::ports::{OnPremPhoneWriter, SourceError};
use idrift_core::writes::{PhoneChange, Phones, UserKey};

use crate::directory::LdapDirectory;
use crate::error::LdapError;
use crate::user_ref::UserRef;

fn user_ref(key: &UserKey) -> UserRef {
    match key {
        UserKey::Upn(upn) => UserRef::Upn(upn.clone()),
        UserKey::Dn(dn) => UserRef::Dn(dn.clone()),
        UserKey::ObjectGuid(g) => UserRef::ObjectGuid(*g),
    }
}

fn port_error(e: LdapError) -> SourceError {
    match e {
        LdapError::Ambiguous { .. } => SourceError::InvalidData(e.to_string()),
        other => other.into(),
    }
}

#[async_trait]
impl OnPremPhoneWriter for LdapDirectory {
    async fn find_user(&self, user: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        LdapDirectory::find_user(self, &user_ref(user))
            .await
            .map_err(port_error)
    }

    async fn set_phones(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError> {
        let expected = expected.map(Phones::normalized);
        LdapDirectory::set_phones(self, &user_ref(user), &new.normalized(), expected.as_ref())
            .await
            .map_err(port_error)
    }
}

#[cfg(test)]
mod tests;
