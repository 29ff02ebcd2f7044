package proton

import (
	"errors"
	"fmt"
	"time"
)

// Session is a reusable Proton login: what a scheduled run needs to reach
// the Drive without the account password. The tokens and the salted key
// passphrase are secrets; String and GoString never show them, so a
// Session printed by mistake leaks nothing.
type Session struct {
	// Username is the account the session belongs to, for whoami.
	Username string `json:"username"`
	// APIURL is the API base URL the session was made against; empty
	// means Proton's own API.
	APIURL string `json:"api_url,omitempty"`
	// UID identifies the session to the API.
	UID string `json:"uid"`
	// AccessToken authorises API calls until it expires.
	AccessToken string `json:"access_token"`
	// RefreshToken gets a new access token; Proton rotates it on use.
	RefreshToken string `json:"refresh_token"`
	// SaltedKeyPass unlocks the account's keys (base64, as the bridge
	// keeps it).
	SaltedKeyPass string `json:"salted_key_pass"`
	// Created is when the session was made by logging in.
	Created time.Time `json:"created,omitzero"`
	// Refreshed is when Proton last renewed its tokens; zero if never.
	Refreshed time.Time `json:"refreshed,omitzero"`
	// Expires is when the access token stops working, as the last
	// refresh's reply said (its ExpiresIn); zero if it did not say, or
	// the token came from a login or an older cakebackup.
	Expires time.Time `json:"expires,omitzero"`
}

// String describes the session without its secrets.
func (s Session) String() string {
	return fmt.Sprintf("Proton session for %s", s.Username)
}

// GoString is String, so that %#v cannot print the tokens either.
func (s Session) GoString() string { return s.String() }

// validate reports a session that cannot possibly be used, such as one
// read from a damaged or hand-edited cache.
func (s Session) validate() error {
	switch {
	case s.UID == "":
		return errors.New("no session ID")
	case s.AccessToken == "" && s.RefreshToken == "":
		return errors.New("no tokens")
	case s.SaltedKeyPass == "":
		return errors.New("no key passphrase")
	}
	return nil
}
