package protontest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// A server on a DataDir that an earlier server left serves the same
// accounts and files again. The drive (shares, links, revisions, blocks)
// is on disk; the accounts themselves (SRP verifier, user and address
// keys, key salts) live in go-proton-api's core server, in memory only.
// So each account keeps, in metadata.json, the user keys and address keys
// the core server made for it, locked as the core server served them, and
// their key salts: none of it is a key in the clear. When AddUser is
// called again for it with its password, the core server makes the
// account anew (new IDs, new keys), and the fake serves the kept keys and
// salts in place of the new ones in GET /core/v4/users,
// /core/v4/keys/salts and /core/v4/addresses (as for a mailbox password,
// see mailbox.go), and moves the drive over to the new user and address
// IDs. The user key unlocks with the password and its kept salt, the
// address key's token is encrypted to that user key, and the drive's keys
// to the address key: clients see the account they made.

// keptUserKey is a user key as the core server served it when the
// account was made, with its key salt.
type keptUserKey struct {
	PrivateKey string // armored, locked
	KeySalt    string // base64, as in KeySalts
}

// keptAddressKey is an address key as the core server served it when the
// account was made.
type keptAddressKey struct {
	PrivateKey string // armored, locked
	Token      string // encrypted to the user key
	Signature  string
}

// keptKeys is what an account keeps of its core server account.
type keptKeys struct {
	UserKeys    []keptUserKey
	AddressKeys []keptAddressKey
}

// keepKeys returns what the account made with user, salts and the address
// addr keeps (see keptKeys).
func keepKeys(user proton.User, salts proton.Salts, addr proton.Address) (*keptKeys, error) {
	k := &keptKeys{}
	for _, uk := range user.Keys {
		armored, err := armorKey(uk.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("armor user key: %w", err)
		}
		var salt string
		for _, s := range salts {
			if s.ID == uk.ID {
				salt = s.KeySalt
			}
		}
		k.UserKeys = append(k.UserKeys, keptUserKey{PrivateKey: armored, KeySalt: salt})
	}
	for _, ak := range addr.Keys {
		armored, err := armorKey(ak.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("armor address key: %w", err)
		}
		k.AddressKeys = append(k.AddressKeys, keptAddressKey{PrivateKey: armored, Token: ak.Token, Signature: ak.Signature})
	}
	return k, nil
}

// armorKey armors a key as proton.Key.PrivateKey holds it (serialized).
func armorKey(raw []byte) (string, error) {
	k, err := crypto.NewKey(raw)
	if err != nil {
		return "", err
	}
	return k.Armor()
}

// resumedKeys holds the kept address keys served in place of the core
// server's, by the core server's new address key ID. (The kept user keys
// are served as mailbox.go's re-locked keys are.)
type resumedKeys struct {
	mu      sync.Mutex
	address map[string]keptAddressKey
}

func newResumedKeys() *resumedKeys {
	return &resumedKeys{address: map[string]keptAddressKey{}}
}

func (rk *resumedKeys) addressKey(id string) (keptAddressKey, bool) {
	rk.mu.Lock()
	defer rk.mu.Unlock()
	k, ok := rk.address[id]
	return k, ok
}

// resumeUser serves again the account a of an earlier server on this
// DataDir, with password, as the comment above says.
func (s *Server) resumeUser(a account, password string) error {
	if s.shared != nil {
		// A core server shared within this process made the account
		// and still holds it, unless another one made it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		acc, err := s.shared.account(ctx, s, a.Username, password)
		if err != nil {
			return err
		}
		if acc.userID != a.UserID {
			return fmt.Errorf("protontest: user %q in the data dir was made on another core server; start the server WithOwnCore", a.Username)
		}
		if len(a.Mailbox) > 0 {
			// The same core account: its user keys have their IDs still.
			relocked := map[string]*relockedKey{}
			for _, k := range a.Mailbox {
				relocked[k.ID] = &relockedKey{salt: k.KeySalt, privateKey: k.PrivateKey}
			}
			s.mailbox.add(a.UserID, relocked)
		}
		return nil
	}
	if a.Keys == nil || len(a.Keys.UserKeys) == 0 || len(a.Keys.AddressKeys) == 0 {
		return fmt.Errorf("protontest: the data dir holds no keys for user %q (made by an older fakeprotondrive?); use an empty directory", a.Username)
	}
	if err := unlocksWith(a.Keys.UserKeys[0], password); err != nil {
		return fmt.Errorf("protontest: user %q: %w", a.Username, err)
	}
	userID, addrID, err := s.core.CreateUser(a.Username, []byte(password))
	if err != nil {
		return fmt.Errorf("protontest: create user %q: %w", a.Username, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var userKeyIDs, addrKeyIDs []string
	var email string
	err = s.asUser(ctx, a.Username, password, func(c *proton.Client, user proton.User, _ proton.Salts) error {
		addrs, err := c.GetAddresses(ctx)
		if err != nil {
			return fmt.Errorf("get addresses: %w", err)
		}
		for _, k := range user.Keys {
			userKeyIDs = append(userKeyIDs, k.ID)
		}
		for _, ad := range addrs {
			if ad.ID == addrID {
				email = ad.Email
				for _, k := range ad.Keys {
					addrKeyIDs = append(addrKeyIDs, k.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("protontest: resume user %q: %w", a.Username, err)
	}
	if len(userKeyIDs) != len(a.Keys.UserKeys) || len(addrKeyIDs) != len(a.Keys.AddressKeys) || email != a.Email {
		return fmt.Errorf("protontest: resume user %q: the core server made %d user and %d address keys for %s, the data dir holds %d and %d for %s",
			a.Username, len(userKeyIDs), len(addrKeyIDs), email, len(a.Keys.UserKeys), len(a.Keys.AddressKeys), a.Email)
	}
	relocked := map[string]*relockedKey{}
	for i, id := range userKeyIDs {
		relocked[id] = &relockedKey{salt: a.Keys.UserKeys[i].KeySalt, privateKey: a.Keys.UserKeys[i].PrivateKey}
	}
	switch {
	case len(a.Mailbox) == 0:
		s.mailbox.addKeys(relocked)
	case len(a.Mailbox) != len(userKeyIDs):
		return fmt.Errorf("protontest: resume user %q: the data dir holds %d keys locked with its mailbox password, the account has %d user keys", a.Username, len(a.Mailbox), len(userKeyIDs))
	default:
		// A two-password account: its keys as the mailbox password
		// locked them, under the new key IDs. (The password checked
		// above is the login password, which the kept keys of the
		// account's making still prove.)
		for i, id := range userKeyIDs {
			relocked[id] = &relockedKey{salt: a.Mailbox[i].KeySalt, privateKey: a.Mailbox[i].PrivateKey}
		}
		s.mailbox.add(userID, relocked)
	}
	s.resumed.mu.Lock()
	for i, id := range addrKeyIDs {
		s.resumed.address[id] = a.Keys.AddressKeys[i]
	}
	s.resumed.mu.Unlock()
	if err := s.drive.moveAccount(a.UserID, userID, addrID); err != nil {
		return err
	}
	return s.resumeSessions(ctx, a.Username, password)
}

// unlocksWith checks that password, salted with k's salt, unlocks k: a
// resumed account must be given the password it was made with.
func unlocksWith(k keptUserKey, password string) error {
	locked, err := crypto.NewKeyFromArmored(k.PrivateKey)
	if err != nil {
		return fmt.Errorf("read kept user key: %w", err)
	}
	pass, err := keyPassword(proton.Key{ID: "kept", PrivateKey: mustUnarmor(locked)}, proton.Salts{{ID: "kept", KeySalt: k.KeySalt}}, password)
	if err != nil {
		return fmt.Errorf("salt key password: %w", err)
	}
	unlocked, err := locked.Unlock(pass)
	if err != nil {
		return errors.New("the password does not unlock the account's keys kept in the data dir")
	}
	unlocked.ClearPrivateParams()
	return nil
}

// mustUnarmor is k's binary form, as proton.Key.PrivateKey holds it (and
// fastKeyPassphrases is keyed by); nil when it cannot be serialized.
func mustUnarmor(k *crypto.Key) []byte {
	b, err := k.Serialize()
	if err != nil {
		return nil
	}
	return b
}

// addKeys adds re-locked user keys without putting their account in
// two-password mode: the keys of a resumed account (see resume.go).
func (mk *mailboxKeys) addKeys(keys map[string]*relockedKey) {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	maps.Copy(mk.keys, keys)
}

// moveAccount moves the account oldUserID, and its shares and links, to
// the core server's new user ID and address ID, and saves.
func (st *drive) moveAccount(oldUserID, userID, addrID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.meta.Accounts[oldUserID]
	if !ok {
		return fmt.Errorf("%w: %q", errUnknownUser, oldUserID)
	}
	delete(st.meta.Accounts, oldUserID)
	a.UserID, a.AddressID = userID, addrID
	st.meta.Accounts[userID] = a
	for _, sh := range st.meta.Shares {
		if sh.UserID == oldUserID {
			sh.UserID, sh.Share.AddressID = userID, addrID
		}
	}
	for _, l := range st.meta.Links {
		if l.UserID == oldUserID {
			l.UserID = userID
		}
	}
	return st.saveLocked()
}

// rewriteAddresses replaces, in a GET /core/v4/addresses reply, the
// private key, token and signature of each address key kept from an
// earlier server (see resume.go).
func (s *Server) rewriteAddresses(body []byte) ([]byte, error) {
	var reply map[string]json.RawMessage
	if err := json.Unmarshal(body, &reply); err != nil {
		return nil, fmt.Errorf("read addresses reply: %w", err)
	}
	var addrs []map[string]json.RawMessage
	if err := json.Unmarshal(reply["Addresses"], &addrs); err != nil {
		return nil, fmt.Errorf("read addresses: %w", err)
	}
	changed := false
	for _, ad := range addrs {
		var keys []map[string]json.RawMessage
		if err := json.Unmarshal(ad["Keys"], &keys); err != nil {
			continue
		}
		mine := false
		for _, k := range keys {
			var id string
			if err := json.Unmarshal(k["ID"], &id); err != nil {
				continue
			}
			if kept, ok := s.resumed.addressKey(id); ok {
				k["PrivateKey"], _ = json.Marshal(kept.PrivateKey)
				k["Token"], _ = json.Marshal(kept.Token)
				k["Signature"], _ = json.Marshal(kept.Signature)
				mine = true
			}
		}
		if mine {
			var err error
			if ad["Keys"], err = json.Marshal(keys); err != nil {
				return nil, err
			}
			changed = true
		}
	}
	if !changed {
		return body, nil
	}
	var err error
	if reply["Addresses"], err = json.Marshal(addrs); err != nil {
		return nil, err
	}
	return json.Marshal(reply)
}

// sleeping returns a copy of the account called username when it was
// read from an earlier server's metadata.json and is not resumed yet.
func (st *drive) sleeping(username string) (account, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.asleep[username] {
		return account{}, false
	}
	for _, a := range st.meta.Accounts {
		if a.Username == username {
			return *a, true
		}
	}
	return account{}, false
}

// woke marks the account called username resumed.
func (st *drive) woke(username string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.asleep, username)
}
