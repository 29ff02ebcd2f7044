package protontest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// Two-password accounts: Proton's older accounts log in with one password
// (SRP) and unlock their keys with a second, the mailbox password; the
// login reply says PasswordMode 2. go-proton-api's server keeps one salt
// per account for both the SRP verifier and the key passphrase, so the
// fake does this in front of it: it re-locks the user keys with the
// mailbox password under a fresh key salt and serves those locked keys and
// salts in place of the core server's in GET /core/v4/users and GET
// /core/v4/keys/salts. The address keys are unchanged: their tokens are
// encrypted to the user key, whose key material stays the same.

// relockedKey is a user key locked with a mailbox password.
type relockedKey struct {
	salt       string // base64, as in KeySalts
	privateKey string // armored, locked
}

// mailboxKeys holds the two-password accounts and their re-locked keys.
type mailboxKeys struct {
	mu    sync.Mutex
	users map[string]bool         // user IDs in two-password mode
	keys  map[string]*relockedKey // by user key ID
}

func newMailboxKeys() *mailboxKeys {
	return &mailboxKeys{users: map[string]bool{}, keys: map[string]*relockedKey{}}
}

func (mk *mailboxKeys) twoPassword(userID string) bool {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	return mk.users[userID]
}

func (mk *mailboxKeys) relocked(keyID string) (*relockedKey, bool) {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	k, ok := mk.keys[keyID]
	return k, ok
}

// RequireMailboxPassword puts the account called username in two-password
// mode: password (its login password, which the fake does not keep) still
// logs in, the login reply says PasswordMode 2, and the account's user keys
// unlock only with mailboxPassword. This cannot be undone.
func (s *Server) RequireMailboxPassword(username, password, mailboxPassword string) error {
	if mailboxPassword == "" {
		return fmt.Errorf("protontest: RequireMailboxPassword needs a mailbox password")
	}
	userID, err := s.drive.userIDByName(username)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	keys, ids, err := s.relockUserKeys(ctx, username, password, mailboxPassword)
	if err != nil {
		return fmt.Errorf("protontest: mailbox password of %q: %w", username, err)
	}
	s.mailbox.add(userID, keys)
	kept := make([]keptMailboxKey, 0, len(ids))
	for _, id := range ids {
		kept = append(kept, keptMailboxKey{ID: id, PrivateKey: keys[id].privateKey, KeySalt: keys[id].salt})
	}
	if err := s.drive.keepMailbox(userID, kept); err != nil {
		return fmt.Errorf("protontest: mailbox password of %q: %w", username, err)
	}
	return nil
}

// keptMailboxKey is a user key re-locked with the mailbox password, kept
// in metadata.json so that a server started again on the DataDir serves
// the account in two-password mode still (see resume.go). Like the other
// kept keys it is locked.
type keptMailboxKey struct {
	ID         string // the user key's ID when it was re-locked
	PrivateKey string // armored, locked with the mailbox password
	KeySalt    string // base64
}

// keepMailbox records the re-locked user keys of userID, in the order of
// its user keys, and saves.
func (st *drive) keepMailbox(userID string, keys []keptMailboxKey) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.meta.Accounts[userID]
	if !ok {
		return fmt.Errorf("%w: %q", errUnknownUser, userID)
	}
	a.Mailbox = keys
	return st.saveLocked()
}

// add puts userID in two-password mode with its re-locked keys.
func (mk *mailboxKeys) add(userID string, keys map[string]*relockedKey) {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	for id, k := range keys {
		mk.keys[id] = k
	}
	mk.users[userID] = true
}

// relockUserKeys logs in to the core server as the user, unlocks each user
// key with the login password and locks it again with the mailbox password
// under a new salt, as a client changing to two-password mode would.
// It returns them by key ID, and the IDs in the order of the user's keys.
func (s *Server) relockUserKeys(ctx context.Context, username, password, mailboxPassword string) (map[string]*relockedKey, []string, error) {
	var keys map[string]*relockedKey
	var ids []string
	err := s.asUser(ctx, username, password, func(_ *proton.Client, user proton.User, salts proton.Salts) error {
		out := map[string]*relockedKey{}
		for _, k := range user.Keys {
			oldPass, err := keyPassword(k, salts, password)
			if err != nil {
				return fmt.Errorf("salt key password: %w", err)
			}
			locked, err := crypto.NewKey(k.PrivateKey)
			if err != nil {
				return fmt.Errorf("read user key: %w", err)
			}
			unlocked, err := locked.Unlock(oldPass)
			if err != nil {
				return fmt.Errorf("unlock user key: %w", err)
			}
			salt, err := crypto.RandomToken(16)
			if err != nil {
				unlocked.ClearPrivateParams()
				return err
			}
			b64Salt := base64.StdEncoding.EncodeToString(salt)
			newPass, err := proton.Salts{{ID: k.ID, KeySalt: b64Salt}}.SaltForKey([]byte(mailboxPassword), k.ID)
			if err != nil || newPass == nil {
				unlocked.ClearPrivateParams()
				return fmt.Errorf("salt mailbox password: %v", err)
			}
			relocked, err := s.pgp().LockKey(unlocked, newPass)
			unlocked.ClearPrivateParams()
			if err != nil {
				return fmt.Errorf("lock user key: %w", err)
			}
			armored, err := relocked.Armor()
			if err != nil {
				return fmt.Errorf("armor user key: %w", err)
			}
			out[k.ID] = &relockedKey{salt: b64Salt, privateKey: armored}
			ids = append(ids, k.ID)
		}
		keys = out
		return nil
	})
	return keys, ids, err
}

// serveRelockedKeys is the core proxy's ModifyResponse: in successful
// replies of GET /core/v4/users and GET /core/v4/keys/salts it puts the
// re-locked keys and their salts in place of the core server's, and in
// the user the space used and the quota (see withSpace).
func (s *Server) serveRelockedKeys(res *http.Response) error {
	if res.StatusCode != http.StatusOK || res.Request.Method != http.MethodGet {
		return nil
	}
	var rewrite func([]byte) ([]byte, error)
	switch res.Request.URL.Path {
	case "/core/v4/users":
		rewrite = s.rewriteUser
	case "/core/v4/keys/salts":
		rewrite = s.rewriteSalts
	case "/core/v4/addresses":
		rewrite = s.rewriteAddresses
	default:
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAuthBody))
	_ = res.Body.Close()
	if err != nil {
		return err
	}
	if body, err = rewrite(body); err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// rewriteUser replaces User.Keys[].PrivateKey of re-locked keys and
// sets User.UsedSpace and User.MaxSpace (see withSpace).
func (s *Server) rewriteUser(body []byte) ([]byte, error) {
	var reply map[string]json.RawMessage
	if err := json.Unmarshal(body, &reply); err != nil {
		return nil, fmt.Errorf("read user reply: %w", err)
	}
	var user map[string]json.RawMessage
	if err := json.Unmarshal(reply["User"], &user); err != nil {
		return nil, fmt.Errorf("read user reply: %w", err)
	}
	if err := s.withSpace(user); err != nil {
		return nil, err
	}
	var keys []map[string]json.RawMessage
	if err := json.Unmarshal(user["Keys"], &keys); err != nil {
		return nil, fmt.Errorf("read user keys: %w", err)
	}
	changed := false
	for _, k := range keys {
		var id string
		if err := json.Unmarshal(k["ID"], &id); err != nil {
			continue
		}
		if rk, ok := s.mailbox.relocked(id); ok {
			k["PrivateKey"], _ = json.Marshal(rk.privateKey)
			changed = true
		}
	}
	var err error
	if changed {
		if user["Keys"], err = json.Marshal(keys); err != nil {
			return nil, err
		}
	}
	if reply["User"], err = json.Marshal(user); err != nil {
		return nil, err
	}
	return json.Marshal(reply)
}

// rewriteSalts replaces KeySalts[].KeySalt of re-locked keys.
func (s *Server) rewriteSalts(body []byte) ([]byte, error) {
	var reply map[string]json.RawMessage
	if err := json.Unmarshal(body, &reply); err != nil {
		return nil, fmt.Errorf("read salts reply: %w", err)
	}
	var salts []proton.Salt
	if err := json.Unmarshal(reply["KeySalts"], &salts); err != nil {
		return nil, fmt.Errorf("read salts: %w", err)
	}
	changed := false
	for i := range salts {
		if rk, ok := s.mailbox.relocked(salts[i].ID); ok {
			salts[i].KeySalt = rk.salt
			changed = true
		}
	}
	if !changed {
		return body, nil
	}
	var err error
	if reply["KeySalts"], err = json.Marshal(salts); err != nil {
		return nil, err
	}
	return json.Marshal(reply)
}

// withSpace sets the user's UsedSpace to the bytes their drive stores
// and MaxSpace to the quota (SetQuota), or 0 without one; go-proton-api's
// core server leaves both 0, so that whoami showed 0 B used.
//
// At Proton, GET /core/v4/users reports the account's storage in bytes
// in UsedSpace and MaxSpace (go-proton-api's proton.User; its user events
// carry a new UsedSpace), which the bridge's About returns and rclone's
// protondrive backend reports as used and total (`rclone about`). What
// Proton counts in it is not confirmed here: the fake counts what its
// quota counts (drive.usedSpaceLocked), the encrypted blocks uploaded for
// the user's files, from their upload on (before the revision is
// committed), those of trashed files until they are deleted, and no
// metadata. Whether Proton counts an uncommitted draft or the trash, when
// exactly its number changes, and whether it covers all of Proton's
// products (Mail too) or Drive alone, is not known.
func (s *Server) withSpace(user map[string]json.RawMessage) error {
	var id string
	if err := json.Unmarshal(user["ID"], &id); err != nil || id == "" {
		return fmt.Errorf("read user reply: no user ID")
	}
	used, limit := s.drive.space(id)
	var err error
	if user["UsedSpace"], err = json.Marshal(used); err != nil {
		return err
	}
	user["MaxSpace"], err = json.Marshal(limit)
	return err
}
