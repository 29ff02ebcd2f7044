package protontest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// AddUser creates an account called username with one address, and gives
// it what a new Proton Drive account has: an active volume, a main share
// (primary flag, main type) and a root folder.
//
// The drive keys are made client-side, as Proton's clients do: AddUser logs
// in over SRP like any client, unlocks the address key with the key
// password (see keyPassword), generates the share key and the root node key, encrypts their passphrases
// to the address key (share) and share key (root) and signs them with the
// address key. The server only receives the resulting armored, locked keys
// and encrypted passphrases, names and hash keys. On a server that shares
// its core server (see NewForTest) the account and its drive keys are made
// once per process and each server stores its own share and root folder
// built from them.
//
// On a server whose DataDir an earlier server left, AddUser of one of the
// accounts there, with its password, serves that account again: its
// keys, salts and address, and its files (see resume.go).
func (s *Server) AddUser(username, password string) error {
	_, err := s.addUser(username, password, false)
	return err
}

// addUser is AddUser; with keep it keeps the session of its SRP login
// alive and returns it instead of ending it. On a server that shares its
// core server there may be no login to keep (the account was made
// before): it returns nil, and the caller logs in if it needs a session.
func (s *Server) addUser(username, password string, keep bool) (*LoggedIn, error) {
	if username == "" || password == "" {
		return nil, errors.New("protontest: AddUser needs a username and a password")
	}
	if a, ok := s.drive.sleeping(username); ok {
		// An account of an earlier server on this DataDir.
		if err := s.resumeUser(a, password); err != nil {
			return nil, err
		}
		s.drive.woke(username)
		return nil, nil
	}
	if _, err := s.drive.userIDByName(username); err == nil {
		return nil, fmt.Errorf("protontest: user %q already exists", username)
	}
	var (
		userID, addrID string
		keys           *driveKeys
		session        *LoggedIn
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if s.shared != nil {
		acc, err := s.shared.account(ctx, s, username, password)
		if err != nil {
			return nil, err
		}
		userID, addrID, keys = acc.userID, acc.addrID, acc.keys
	} else {
		var err error
		userID, addrID, err = s.core.CreateUser(username, []byte(password))
		if err != nil {
			return nil, fmt.Errorf("protontest: create user %q: %w", username, err)
		}
		keys, session, err = s.newDriveKeys(ctx, username, password, addrID, keep)
		if err != nil {
			return nil, fmt.Errorf("protontest: set up drive of %q: %w", username, err)
		}
	}

	now := time.Now().Unix()
	a := &account{
		UserID:     userID,
		Username:   username,
		AddressID:  addrID,
		Email:      keys.email,
		VolumeID:   newID(),
		ShareID:    newID(),
		CreateTime: now,
		Keys:       keys.kept,
	}
	rootID := newID()
	share := &shareRecord{
		UserID: userID,
		Share: proton.Share{
			ShareMetadata: proton.ShareMetadata{
				ShareID:      a.ShareID,
				LinkID:       rootID,
				VolumeID:     a.VolumeID,
				Type:         proton.ShareTypeMain,
				State:        proton.ShareStateActive,
				CreationTime: now,
				ModifyTime:   now,
				Creator:      keys.email,
				Flags:        proton.PrimaryShare,
			},
			AddressID:           addrID,
			AddressKeyID:        keys.addressKeyID,
			Key:                 keys.shareKey,
			Passphrase:          keys.sharePassphrase,
			PassphraseSignature: keys.sharePassphraseSignature,
		},
	}
	root := &linkRecord{
		ShareID: a.ShareID,
		UserID:  userID,
		Link: proton.Link{
			LinkID:                  rootID,
			Type:                    proton.LinkTypeFolder,
			Name:                    keys.rootName,
			NameSignatureEmail:      keys.email,
			State:                   proton.LinkStateActive,
			MIMEType:                "Folder",
			CreateTime:              now,
			ModifyTime:              now,
			NodeKey:                 keys.rootNodeKey,
			NodePassphrase:          keys.rootPassphrase,
			NodePassphraseSignature: keys.rootPassphraseSignature,
			SignatureEmail:          keys.email,
			FolderProperties:        &proton.FolderProperties{NodeHashKey: keys.rootHashKey},
		},
	}

	if err := s.drive.addAccount(a, share, root); err != nil {
		return nil, fmt.Errorf("protontest: add user %q: %w", username, err)
	}
	s.relocker.remember(rootID, keys.rootPass)
	s.relocker.rememberSigner(userID, keys.signer)
	return session, nil
}

// onlyOwnUsers serves POST /auth/v4/info, a login's first step, for the
// accounts this server holds; a name that is not one of them is refused
// here with 422 / 8002 "Incorrect login credentials. Please try again.",
// the real API's answer to a wrong password (rclone issue 9207), so that a
// client can tell wrong credentials from an expired session by the code.
// What the real API answers for an unknown username is not confirmed from
// public sources: it may refuse at this step (with 8002, or with 6003,
// which go-proton-api PR 22 says login still returns "for non valid
// emails", and which Proton Bridge treats as 8002), or serve made-up SRP
// parameters and refuse at POST /auth/v4 with 8002. go-proton-api's server
// answers 401 here, as to an expired session. A core server shared with
// other servers (see NewForTest) holds their accounts too; they are
// refused the same way.
func (s *Server) onlyOwnUsers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAuthBody))
		if err != nil {
			invalid(w, "Invalid request body")
			return
		}
		var req struct{ Username string }
		if err := json.Unmarshal(body, &req); err != nil {
			invalid(w, "Invalid request body")
			return
		}
		if _, err := s.drive.userIDByName(req.Username); err != nil {
			writeAPIError(w, http.StatusUnprocessableEntity, CodeWrongCredentials, wrongCredentials)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Del("Content-Length")
		next.ServeHTTP(w, r)
	})
}

// LoggedIn is a session of an account made by logging in over SRP, with
// what the bridge keeps of it to reconnect without the password (its
// ReusableCredential).
type LoggedIn struct {
	UID, AccessToken, RefreshToken string
	// SaltedKeyPass unlocks the account's keys, base64 as the bridge keeps it.
	SaltedKeyPass string
}

// setKeyPass sets SaltedKeyPass from the key password; on a nil l it does
// nothing.
func (l *LoggedIn) setKeyPass(saltedKeyPass []byte) {
	if l != nil {
		l.SaltedKeyPass = base64.StdEncoding.EncodeToString(saltedKeyPass)
	}
}

// logIn logs in to the composed core server as username over SRP, as a
// client does, and returns the live session.
func (s *Server) logIn(ctx context.Context, username, password string) (*LoggedIn, error) {
	session := &LoggedIn{}
	err := s.asUserKeep(ctx, username, password, session, func(_ *proton.Client, user proton.User, salts proton.Salts) error {
		saltedKeyPass, err := keyPassword(user.Keys.Primary(), salts, password)
		if err != nil {
			return fmt.Errorf("salt key password: %w", err)
		}
		session.setKeyPass(saltedKeyPass)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return session, nil
}

// driveKeys is the encrypted key material of a new drive, as a client
// sends it to the server.
type driveKeys struct {
	email                    string
	addressKeyID             string
	shareKey                 string
	sharePassphrase          string
	sharePassphraseSignature string
	rootNodeKey              string
	rootPassphrase           string
	rootPassphraseSignature  string
	rootName                 string
	rootHashKey              string
	// kept is what the account keeps of its core server account (see
	// resume.go).
	kept *keptKeys
	// rootPass is the root node key's passphrase, for a relocker.
	rootPass []byte
	// signer is the unlocked address key ring that signed them, kept
	// only for a server with a relocker (see MakeFolders); nil otherwise.
	signer *crypto.KeyRing
}

// coreAppVersion is the x-pm-appversion of the server's own requests to
// the core server.
const coreAppVersion = "web-drive@5.0.0"

// coreManager returns a go-proton-api client manager for the composed
// core server; the caller closes it.
func (s *Server) coreManager() *proton.Manager {
	return proton.New(
		proton.WithHostURL(s.coreURL.String()),
		proton.WithAppVersion(coreAppVersion),
		proton.WithTransport(&http.Transport{}),
	)
}

// asUser logs in to the composed core server as username, as a client
// does, and passes fn the client, the user and the key salts. The session
// is ended afterwards.
func (s *Server) asUser(ctx context.Context, username, password string, fn func(c *proton.Client, user proton.User, salts proton.Salts) error) error {
	return s.asUserKeep(ctx, username, password, nil, fn)
}

// asUserKeep is asUser; with a non-nil keep the session is not ended but
// stored in keep (its tokens; fn fills in SaltedKeyPass).
func (s *Server) asUserKeep(ctx context.Context, username, password string, keep *LoggedIn, fn func(c *proton.Client, user proton.User, salts proton.Salts) error) error {
	m := s.coreManager()
	defer m.Close()
	c, auth, err := s.srpLogin(ctx, m, username, password)
	if err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	defer c.Close()
	if keep != nil {
		keep.UID, keep.AccessToken, keep.RefreshToken = auth.UID, auth.AccessToken, auth.RefreshToken
	} else {
		defer func() { _ = c.AuthDelete(ctx) }()
	}
	user, err := c.GetUser(ctx)
	if err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	salts, err := c.GetSalts(ctx)
	if err != nil {
		return fmt.Errorf("get salts: %w", err)
	}
	return fn(c, user, salts)
}

// newDriveKeys logs in as the user against the composed core server and
// builds the drive keys client-side.
func (s *Server) newDriveKeys(ctx context.Context, username, password, addrID string, keep bool) (*driveKeys, *LoggedIn, error) {
	var keys *driveKeys
	var session *LoggedIn
	if keep {
		session = &LoggedIn{}
	}
	err := s.asUserKeep(ctx, username, password, session, func(c *proton.Client, user proton.User, salts proton.Salts) error {
		addrs, err := c.GetAddresses(ctx)
		if err != nil {
			return fmt.Errorf("get addresses: %w", err)
		}
		saltedKeyPass, err := keyPassword(user.Keys.Primary(), salts, password)
		if err != nil {
			return fmt.Errorf("salt key password: %w", err)
		}
		session.setKeyPass(saltedKeyPass)
		userKR, addrKRs, err := proton.Unlock(user, addrs, saltedKeyPass, nil)
		if err != nil {
			return fmt.Errorf("unlock keys: %w", err)
		}
		defer userKR.ClearPrivateParams()
		for _, kr := range addrKRs {
			defer kr.ClearPrivateParams()
		}
		addrKR, ok := addrKRs[addrID]
		if !ok {
			return errors.New("address key not found")
		}
		var addr proton.Address
		for _, a := range addrs {
			if a.ID == addrID {
				addr = a
			}
		}
		if addr.ID == "" {
			return errors.New("address not found")
		}
		if keys, err = buildDriveKeys(s.pgp(), addr.Email, addr.Keys.Primary().ID, addrKR); err != nil {
			return err
		}
		if s.relocker != nil {
			if keys.signer, err = addrKR.Copy(); err != nil {
				return fmt.Errorf("keep address key: %w", err)
			}
		}
		keys.kept, err = keepKeys(user, salts, addr)
		return err
	})
	return keys, session, err
}

// buildDriveKeys mirrors Proton-API-Bridge's crypto.go: generateCryptoKey,
// encryptWithSignature and the folder name and hash key setters. pgp
// generates and locks the keys.
func buildDriveKeys(pgp *crypto.PGPHandle, email, addressKeyID string, addrKR *crypto.KeyRing) (*driveKeys, error) {
	k := &driveKeys{email: email, addressKeyID: addressKeyID}

	shareKR, _, err := newDriveKey(pgp, "share", addrKR, addrKR, &k.shareKey, &k.sharePassphrase, &k.sharePassphraseSignature)
	if err != nil {
		return nil, err
	}
	defer shareKR.ClearPrivateParams()

	rootKR, rootPass, err := newDriveKey(pgp, "root", shareKR, addrKR, &k.rootNodeKey, &k.rootPassphrase, &k.rootPassphraseSignature)
	if err != nil {
		return nil, err
	}
	defer rootKR.ClearPrivateParams()
	k.rootPass = rootPass

	// The request type's setters encrypt the name to the parent (here the
	// share) key signed by the address key, and the hash key to the node
	// key signed by itself, exactly as for any folder.
	var req proton.CreateFolderReq
	if err := req.SetName("root", addrKR, shareKR); err != nil {
		return nil, fmt.Errorf("root name: %w", err)
	}
	if err := req.SetNodeHashKey(rootKR); err != nil {
		return nil, fmt.Errorf("root hash key: %w", err)
	}
	k.rootName = req.Name
	k.rootHashKey = req.NodeHashKey
	return k, nil
}

// newDriveKey generates a share or node key (what names it in errors)
// locked with a random passphrase, encrypts the passphrase to parentKR and
// signs it with addrKR. It stores the armored locked key, the encrypted
// passphrase and its signature in key, passphrase and signature, and
// returns the unlocked key ring, which the caller clears, and the
// passphrase.
func newDriveKey(pgp *crypto.PGPHandle, what string, parentKR, addrKR *crypto.KeyRing, key, passphrase, signature *string) (*crypto.KeyRing, []byte, error) {
	pass, locked, err := newLockedKey(pgp)
	if err != nil {
		return nil, nil, fmt.Errorf("%s key: %w", what, err)
	}
	*key = locked
	*passphrase, *signature, err = encryptAndSign(parentKR, addrKR, pass)
	if err != nil {
		return nil, nil, fmt.Errorf("%s passphrase: %w", what, err)
	}
	kr, err := unlockKey(locked, pass)
	if err != nil {
		return nil, nil, fmt.Errorf("%s key: %w", what, err)
	}
	return kr, pass, nil
}

// newLockedKey generates a node or share key locked with a random
// passphrase, returning the passphrase and the armored locked key.
func newLockedKey(pgp *crypto.PGPHandle) ([]byte, string, error) {
	token, err := crypto.RandomToken(32)
	if err != nil {
		return nil, "", fmt.Errorf("passphrase: %w", err)
	}
	passphrase := []byte(base64.StdEncoding.EncodeToString(token))
	key, err := pgp.KeyGeneration().AddUserId("Drive key", "noreply@protonmail.com").New().GenerateKey()
	if err != nil {
		return nil, "", fmt.Errorf("generate key: %w", err)
	}
	defer key.ClearPrivateParams()
	locked, err := pgp.LockKey(key, passphrase)
	if err != nil {
		return nil, "", fmt.Errorf("lock key: %w", err)
	}
	armored, err := locked.Armor()
	if err != nil {
		return nil, "", fmt.Errorf("armor key: %w", err)
	}
	return passphrase, armored, nil
}

// encryptAndSign encrypts b to kr and signs it with addrKR (detached).
func encryptAndSign(kr, addrKR *crypto.KeyRing, b []byte) (string, string, error) {
	enc, err := proton.EncryptMessageNonAead(kr, b, nil)
	if err != nil {
		return "", "", fmt.Errorf("encrypt: %w", err)
	}
	encArmored, err := enc.Armor()
	if err != nil {
		return "", "", fmt.Errorf("armor: %w", err)
	}
	signer, err := crypto.PGP().Sign().SigningKeys(addrKR).Detached().New()
	if err != nil {
		return "", "", fmt.Errorf("sign: %w", err)
	}
	sig, err := signer.Sign(b, crypto.Armor)
	if err != nil {
		return "", "", fmt.Errorf("sign: %w", err)
	}
	return encArmored, string(sig), nil
}

func unlockKey(armored string, passphrase []byte) (*crypto.KeyRing, error) {
	locked, err := crypto.NewKeyFromArmored(armored)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	unlocked, err := locked.Unlock(passphrase)
	if err != nil {
		return nil, fmt.Errorf("unlock key: %w", err)
	}
	return crypto.NewKeyRing(unlocked)
}
