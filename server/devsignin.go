package server

import (
	"encoding/json"
	"net/http"
	"time"

	"snodo/auth"
	"snodo/model"
	"snodo/seed"
)

// DevSignIn lets the web app sign in as the demo network's people, by minting their tokens. It
// is for development only: a server that has it hands a token to anyone who asks.
type DevSignIn struct {
	// Secret and Issuer sign the tokens, as the verifier expects them.
	Secret, Issuer string
	// TTL is how long a token is valid; zero means 8 hours.
	TTL time.Duration
}

// devIdentity is an identity as the sign-in page lists it.
type devIdentity struct {
	Key    string `json:"key"`
	NameIt string `json:"nameIt"`
	NameEn string `json:"nameEn"`
	Role   string `json:"role"`
}

// mountDevSignIn serves GET /dev/identities (the demo identities) and POST /dev/token
// ({"identity": key} → {"token", "expiresAt", "role"}).
func mountDevSignIn(mux *http.ServeMux, d DevSignIn) {
	if d.TTL <= 0 {
		d.TTL = 8 * time.Hour
	}
	mux.HandleFunc("GET /dev/identities", func(w http.ResponseWriter, _ *http.Request) {
		var list []devIdentity
		for _, id := range seed.DemoIdentities() {
			list = append(list, devIdentity{Key: id.Key, NameIt: id.NameIt, NameEn: id.NameEn, Role: string(id.Viewer.Role)})
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, list)
	})
	mux.HandleFunc("POST /dev/token", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Identity string `json:"identity"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody("send {\"identity\": key}", model.CodeBadUserInput))
			return
		}
		for _, id := range seed.DemoIdentities() {
			if id.Key != req.Identity {
				continue
			}
			token, err := auth.Mint(d.Secret, d.Issuer, id.Viewer, d.TTL)
			if err != nil {
				writeJSON(w, http.StatusInternalServerError, errorBody("could not mint the token", model.CodeInternal))
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, map[string]any{
				"token": token, "role": string(id.Viewer.Role), "subject": id.Viewer.Subject,
				"expiresAt": time.Now().Add(d.TTL).UTC().Format(time.RFC3339),
			})
			return
		}
		writeJSON(w, http.StatusNotFound, errorBody("no demo identity "+req.Identity, model.CodeNotFound))
	})
}
