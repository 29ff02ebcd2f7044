package protontest

import (
	"sync"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
)

// relocker re-locks the node keys clients send with fastPGP's cheap S2K,
// on servers of NewForTest only.
//
// A client (the bridge) locks each folder's and file's node key with
// gopenpgp's default S2K, 16 MiB of SHA-256, and every client that later
// reads the folder or file unlocks it again: tens of milliseconds each, a
// good part of the tests' CPU time. A relocker learns each node key's
// passphrase when the key arrives (by decrypting the node passphrase with
// the parent's key, unlocked with the passphrase it learnt before: the
// root's is the server's own), unlocks the key once and locks it again
// with the same passphrase and fastPGP's S2K, and the server stores that.
// The key, its passphrase and everything encrypted to it stay the same;
// only the cost of unlocking it drops. A key whose passphrase does not
// decrypt (a test sending made-up keys) is stored as sent.
//
// It also keeps each account's unlocked address key, with which
// MakeFolders signs the folders it makes. This is the one place a server
// holds private keys and passphrases in the clear, for the life of the
// process, and only for test accounts:
// New (and so cmd/fakeprotondrive) never makes a relocker, and its
// servers store node keys exactly as clients send them.
type relocker struct {
	mu sync.Mutex
	// passphrases are the node keys' passphrases, by link ID.
	passphrases map[string][]byte
	// signers are the accounts' unlocked address key rings, by user ID,
	// which MakeFolders signs with.
	signers map[string]*crypto.KeyRing
}

func newRelocker() *relocker {
	return &relocker{passphrases: map[string][]byte{}, signers: map[string]*crypto.KeyRing{}}
}

// rememberSigner records the unlocked address key ring of userID. On a nil
// relocker, or with a nil kr, it does nothing.
func (r *relocker) rememberSigner(userID string, kr *crypto.KeyRing) {
	if r == nil || kr == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.signers[userID] = kr
}

// signer returns the address key ring of userID, or nil.
func (r *relocker) signer(userID string) *crypto.KeyRing {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.signers[userID]
}

// passphrase returns the remembered passphrase of linkID's node key, or nil.
func (r *relocker) passphrase(linkID string) []byte {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.passphrases[linkID]
}

// remember records the passphrase of the node key of linkID. On a nil
// relocker it does nothing.
func (r *relocker) remember(linkID string, passphrase []byte) {
	if r == nil || passphrase == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.passphrases[linkID] = passphrase
}

// relock returns nodeKey locked with fastPGP's S2K and its passphrase,
// which it decrypts from nodePassphrase with the key of the parent link
// (parentKey, whose passphrase it remembered for parentID). When any step
// fails, or on a nil relocker, it returns nodeKey unchanged and a nil
// passphrase.
func (r *relocker) relock(parentID, parentKey, nodeKey, nodePassphrase string) (string, []byte) {
	if r == nil {
		return nodeKey, nil
	}
	r.mu.Lock()
	parentPass, ok := r.passphrases[parentID]
	r.mu.Unlock()
	if !ok {
		return nodeKey, nil
	}
	parentKR, err := unlockKey(parentKey, parentPass)
	if err != nil {
		return nodeKey, nil
	}
	defer parentKR.ClearPrivateParams()
	dec, err := crypto.PGP().Decryption().DecryptionKeys(parentKR).New()
	if err != nil {
		return nodeKey, nil
	}
	res, err := dec.Decrypt([]byte(nodePassphrase), crypto.Armor)
	if err != nil {
		return nodeKey, nil
	}
	passphrase := res.Bytes()
	locked, err := crypto.NewKeyFromArmored(nodeKey)
	if err != nil {
		return nodeKey, nil
	}
	key, err := locked.Unlock(passphrase)
	if err != nil {
		return nodeKey, nil
	}
	defer key.ClearPrivateParams()
	relocked, err := fastPGP().LockKey(key, passphrase)
	if err != nil {
		return nodeKey, nil
	}
	armored, err := relocked.Armor()
	if err != nil {
		return nodeKey, nil
	}
	return armored, passphrase
}
