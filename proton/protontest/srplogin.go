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
	"sync"

	"github.com/ProtonMail/go-srp"
	"github.com/rclone/go-proton-api"
)

// srpHashes holds the SRP password hashes of the server's own logins (see
// srpLogin), by username, password, key salt and signed modulus. It lives
// as long as the process, like fastKeyPassphrases, and holds only test
// accounts' hashes.
var srpHashes sync.Map

// srpHash is what srp.NewAuth derives from a password and the login's
// salt and signed modulus: the bcrypt-based password hash (cost 10) and
// the modulus, whose clear-signature it checked.
type srpHash struct {
	hashed, modulus []byte
}

// errServerProof means the server's SRP proof did not match: it does not
// know the account's verifier.
var errServerProof = errors.New("the server's SRP proof does not match")

// srpLogin logs in to the core server as username over SRP, as
// go-proton-api's Manager.NewClientWithLogin does (it checks the server's
// proof too), except that the password hash srp.NewAuth derives, a bcrypt
// hash, is kept in srpHashes and used again on the next login with the
// same password, salt and modulus, as a client that remembers it would:
// a shared core server's account (see NewForTest) is logged into once per
// server. The server does its part of every login in full.
func (s *Server) srpLogin(ctx context.Context, m *proton.Manager, username, password string) (*proton.Client, proton.Auth, error) {
	info, err := m.AuthInfo(ctx, proton.AuthInfoReq{Username: username})
	if err != nil {
		return nil, proton.Auth{}, err
	}
	key := username + "\x00" + password + "\x00" + info.Salt + "\x00" + info.Modulus
	var auth *srp.Auth
	if h, ok := srpHashes.Load(key); ok {
		ephemeral, err := base64.StdEncoding.DecodeString(info.ServerEphemeral)
		if err != nil {
			return nil, proton.Auth{}, fmt.Errorf("server ephemeral: %w", err)
		}
		hash := h.(srpHash)
		auth = &srp.Auth{Modulus: hash.modulus, ServerEphemeral: ephemeral, HashedPassword: hash.hashed, Version: info.Version}
	} else {
		if auth, err = srp.NewAuth(info.Version, username, []byte(password), info.Salt, info.Modulus, info.ServerEphemeral); err != nil {
			return nil, proton.Auth{}, err
		}
		srpHashes.Store(key, srpHash{hashed: auth.HashedPassword, modulus: auth.Modulus})
	}
	proofs, err := auth.GenerateProofs(2048)
	if err != nil {
		return nil, proton.Auth{}, err
	}
	reply, err := s.postAuth(ctx, proton.AuthReq{
		Username:        username,
		ClientProof:     base64.StdEncoding.EncodeToString(proofs.ClientProof),
		ClientEphemeral: base64.StdEncoding.EncodeToString(proofs.ClientEphemeral),
		SRPSession:      info.SRPSession,
	})
	if err != nil {
		return nil, proton.Auth{}, err
	}
	if serverProof, err := base64.StdEncoding.DecodeString(reply.ServerProof); err != nil || !bytes.Equal(serverProof, proofs.ExpectedServerProof) {
		return nil, proton.Auth{}, errServerProof
	}
	s.tokens.grantToken(reply.AccessToken)
	return m.NewClient(reply.UID, reply.AccessToken, reply.RefreshToken), reply, nil
}

// postAuth sends POST /auth/v4, a login's second step, to the core server.
func (s *Server) postAuth(ctx context.Context, req proton.AuthReq) (proton.Auth, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return proton.Auth{}, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, s.coreURL.String()+"/auth/v4", bytes.NewReader(body))
	if err != nil {
		return proton.Auth{}, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("x-pm-appversion", coreAppVersion)
	res, err := s.coreHTTP.Do(r)
	if err != nil {
		return proton.Auth{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAuthBody))
	if err != nil {
		return proton.Auth{}, err
	}
	if res.StatusCode != http.StatusOK {
		return proton.Auth{}, fmt.Errorf("POST /auth/v4: %s: %s", res.Status, bytes.TrimSpace(data))
	}
	var auth proton.Auth
	if err := json.Unmarshal(data, &auth); err != nil {
		return proton.Auth{}, fmt.Errorf("POST /auth/v4: %w", err)
	}
	return auth, nil
}
